#pragma once
// The tickets side's agent tables (ticket_agents, ticket_agent_departments,
// department_assignment), read the same way by both relational adapters. Placeholders are
// written ?1, ?2...: SQLite reads them as they are, the PostgreSQL adapter turns them into $1.
#include <string>

namespace st::adapters::sql {

// A department's members with their open tickets: id, name, available, last_assigned_at,
// open count. ?1: the department.
inline constexpr const char* kDepartmentMembers =
    "SELECT a.id, a.name, a.available, a.last_assigned_at, "
    "(SELECT count(*) FROM tickets t WHERE t.assignee_id = a.id AND t.status <> 'resolved') "
    "FROM ticket_agents a JOIN ticket_agent_departments d ON d.agent_id = a.id "
    "WHERE d.department = ?1 AND a.active = 1 ORDER BY a.id";
inline constexpr const char* kMoveRotation =
    "UPDATE department_assignment SET last_agent_id = ?2 WHERE department = ?1";
inline constexpr const char* kAgentAssigned =
    "UPDATE ticket_agents SET last_assigned_at = ?2 WHERE id = ?1";
inline constexpr const char* kUpsertAgent =
    "INSERT INTO ticket_agents (id, name, available, active) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, available = excluded.available, "
    "active = excluded.active";
inline constexpr const char* kDropAgentDepartments =
    "DELETE FROM ticket_agent_departments WHERE agent_id = ?1";
inline constexpr const char* kAddAgentDepartment =
    "INSERT INTO ticket_agent_departments (agent_id, department) VALUES (?1, ?2) "
    "ON CONFLICT DO NOTHING";
inline constexpr const char* kFindAgent =
    "SELECT id, name FROM ticket_agents WHERE id = ?1 AND active = 1";
inline constexpr const char* kSetMode =
    "INSERT INTO department_assignment (department, mode) VALUES (?1, ?2) "
    "ON CONFLICT (department) DO UPDATE SET mode = excluded.mode";
inline constexpr const char* kOpenTicketsOf =
    "SELECT id FROM tickets WHERE assignee_id = ?1 AND status <> 'resolved' ORDER BY id";

// The PostgreSQL form of one of the above: ?n becomes $n.
inline std::string numbered_placeholders(const char* sql) {
  std::string out(sql);
  for (auto& c : out)
    if (c == '?') c = '$';
  return out;
}

}  // namespace st::adapters::sql
