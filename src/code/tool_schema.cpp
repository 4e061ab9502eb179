// Input schemas of the built-in tools, built node by node: a nested initializer-list Json copies
// every sub-object once per level, and the tools' schemas are built on every start. Objects
// reserve their slots first: a growing ordered_json object copies its entries (const keys).
#include "code/builtin_tool.h"

namespace oc::code {

namespace {

Json ReservedObject(size_t slots) {
    Json object(Json::value_t::object);
    object.get_ref<Json::object_t&>().reserve(slots);
    return object;
}

}  // namespace

Json TypeSchema(const char* type, const char* description) {
    Json schema = ReservedObject(3);  // type, description, and room for enum or items
    schema.emplace("type", type);
    if (description) schema.emplace("description", description);
    return schema;
}

Json ObjectSchema(std::initializer_list<SchemaProperty> properties,
                  std::initializer_list<const char*> required) {
    Json schema = ReservedObject(3);
    schema.emplace("type", "object");
    Json props = ReservedObject(properties.size());
    for (const SchemaProperty& p : properties) props.emplace(p.name, TypeSchema(p.type, p.description));
    schema.emplace("properties", std::move(props));
    if (required.size() > 0) {
        Json names(Json::value_t::array);
        names.get_ref<Json::array_t&>().reserve(required.size());
        for (const char* name : required) names.emplace_back(name);
        schema.emplace("required", std::move(names));
    }
    return schema;
}

}  // namespace oc::code
