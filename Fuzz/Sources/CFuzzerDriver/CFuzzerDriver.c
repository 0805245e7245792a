// Declarations only (CFuzzerDriver.h): libFuzzer defines them when linked with -sanitize=fuzzer.
