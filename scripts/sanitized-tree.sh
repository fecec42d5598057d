# Sourced by scripts/fuzz.sh and scripts/sanitize.sh: configures (once) build-fuzz/, the clang tree
# where everything is built with AddressSanitizer and UndefinedBehaviorSanitizer, the libraries
# also with libFuzzer's coverage.
if [ ! -f build-fuzz/build.ninja ]; then
  # Line tables are what the sanitizers' stack traces need, and a third of full debug info to build.
  # A unity build parses the shared headers (Asio, Beast, nlohmann) once per 16 sources instead of
  # once per source: this tree is built from scratch in CI, where that is minutes.
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -gline-tables-only" -DLOCALRAY_FUZZ=ON \
    -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16
fi
