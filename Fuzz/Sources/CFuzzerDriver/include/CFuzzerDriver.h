// libFuzzer's entry for programs with their own main (LLVM's LibFuzzer.html, "Using
// LLVMFuzzerRunDriver"). SwiftPM links every executable with its module's entry point renamed
// to main, so the fuzz targets cannot rely on libFuzzer's own main: they call this instead.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
