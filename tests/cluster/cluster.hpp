#pragma once
// The local cluster the fault tests run against: started by `scripts/cluster up` (a ctest
// fixture) with its directory and ports in the environment, and driven here through the same
// script — kill a service, stop the broker, bring everything back — so the tests exercise
// exactly what an operator would run.
#include <sys/types.h>
#include <chrono>
#include <cstdint>
#include <string>

#include "support/http_client.hpp"

namespace st::cluster {

// SMARTTICKET_CLUSTER_DIR, as the fixture set it.
std::string dir();
std::uint16_t gateway_port();
std::uint16_t amqp_port();
// The HTTP port of a service process, as scripts/cluster assigns them ("categorizer-2" too).
std::uint16_t service_port(const std::string& name);
// The pid scripts/cluster recorded for a component (a service, "postgres", "rabbitmq").
pid_t pid_of(const std::string& component);
// Runs `scripts/cluster ARGS` (bounded by `timeout`); true when it exits 0.
bool script(const std::string& args, std::chrono::seconds timeout = std::chrono::seconds(180));
// SIGKILL, then wait (bounded) until the process is gone.
void kill_hard(const std::string& component);

}  // namespace st::cluster
