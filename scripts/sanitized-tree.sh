# Sourced by scripts/fuzz.sh and scripts/sanitize.sh: configures (once) build-fuzz/, the clang tree
# where everything is built with AddressSanitizer and UndefinedBehaviorSanitizer, the libraries
# also with libFuzzer's coverage.
if [ ! -f build-fuzz/build.ninja ]; then
  # Line tables are what the sanitizers' stack traces need, and a third of full debug info to build.
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -gline-tables-only" -DLOCALRAY_FUZZ=ON
fi
