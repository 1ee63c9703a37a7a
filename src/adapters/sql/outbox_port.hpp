#pragma once
// A store that owns an outbox table (the tickets and routing stores of either relational
// adapter) offers it as the Outbox port: the store appends to `outbox_` inside its own
// transactions, the relay drains it through relay(). `Table` is the adapter's OutboxTable.
#include <cstddef>
#include <functional>
#include <string>
#include <utility>

#include "ports/outbox.hpp"

namespace st::adapters::sql {

template <class Table>
class OutboxPort : public ports::Outbox {
 public:
  std::size_t relay(std::size_t max, const ports::PublishBatch& publish) override {
    return outbox_.relay(max, publish);
  }
  void set_listener(std::function<void()> on_append) override {
    outbox_.set_listener(std::move(on_append));
  }
  Backlog backlog() override { return outbox_.backlog(); }

 protected:
  // `table` is one of our fixed table names, never user input.
  template <class Database>
  OutboxPort(Database& db, std::string table) : outbox_(db, std::move(table)) {}

  Table outbox_;
};

}  // namespace st::adapters::sql
