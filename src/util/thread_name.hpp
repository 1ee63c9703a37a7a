#pragma once
// Names the calling thread (visible in top -H, perf and gdb), truncated to Linux's 15 chars.
#include <pthread.h>

#include <string>

namespace st {

inline void name_this_thread(const std::string& name) {
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace st
