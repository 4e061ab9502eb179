#include <cstdio>
int main() { std::puts("cortex"); return 0; }
