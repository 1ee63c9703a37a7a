#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "domain/time.hpp"

namespace st::domain {

struct Department {
  std::int64_t id = 0;
  std::string name;
  std::string description;
  bool is_active = true;
  Millis created_at = 0;

  bool operator==(const Department&) const = default;
};

// The catch-all department: where a ticket goes when nothing else fits.
inline constexpr const char* kGeneralDepartment = "General";

struct DefaultDepartment {
  const char* name;
  const char* description;
};

// Created on first start; afterwards departments are rows an admin manages.
const std::vector<DefaultDepartment>& default_departments();

}  // namespace st::domain
