// `cortex pipeline NAME drop-pending-packages [-y]` (dlt's command of that name): deletes the load
// packages a run extracted or normalized but did not finish loading (`load/new`,
// `load/normalized`), so the next run starts from the source instead of resuming them. A
// partially loaded package goes too; rows it already loaded stay in the destination.
#include <cstdio>
#include <filesystem>

#include "cli/pipeline_cli.h"
#include "pipeline/package.h"
#include "pipeline/workdir.h"

namespace oc::cli {

namespace fs = std::filesystem;

int PipelineDropPendingPackages(const InspectFlags& flags) {
    std::string dir;
    auto found = FindWorkingDir(flags, &dir);
    const std::string wd = pipeline::WorkingDir(dir, flags.name);
    std::error_code ec;
    // A first run killed before it finished has packages but no state.json yet.
    if (!found && !fs::is_directory(fs::path(wd) / "load", ec)) return CliFail(found.error().message);
    pipeline::PackageStore store(wd);
    // Removes half-built `.tmp` packages and keeps only the later state of a package in two.
    Status rec = store.Recover();
    if (!rec) return CliFail(rec.error().message);
    struct Pending {
        std::string load_id, state;
        size_t jobs = 0, completed = 0;
    };
    std::vector<Pending> pending;
    for (const char* state : {pipeline::kPackageNew, pipeline::kPackageNormalized}) {
        for (const auto& id : store.List(state)) {
            Pending p{id, state};
            for (const auto& job : pipeline::PackageStore::Jobs(store.PackagePath(state, id))) {
                ++p.jobs;
                p.completed += job.folder == "completed_jobs" ? 1 : 0;
            }
            pending.push_back(std::move(p));
        }
    }
    if (pending.empty()) {
        std::printf("No pending packages found for pipeline %s\n", flags.name.c_str());
        return 0;
    }
    std::printf("Pending packages of pipeline %s:\n", flags.name.c_str());
    for (const auto& p : pending) {
        std::printf("%s: %s, %zu job(s)", p.load_id.c_str(),
                    p.state == pipeline::kPackageNew ? "EXTRACTED" : "NORMALIZED", p.jobs);
        if (p.completed > 0) std::printf(", %zu already loaded (partially loaded)", p.completed);
        std::printf("\n");
    }
    if (!flags.yes && !Confirm("Delete the above packages?")) return 1;
    for (const auto& p : pending) {
        fs::remove_all(store.PackagePath(p.state, p.load_id), ec);
        if (ec) return CliFail("cannot delete package " + p.load_id + ": " + ec.message());
    }
    std::printf("Dropped %zu pending package(s)\n", pending.size());
    return 0;
}

}  // namespace oc::cli
