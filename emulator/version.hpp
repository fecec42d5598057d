#pragma once
namespace localray::emulator {
inline constexpr const char* kVersion = "0.1.0";
}
