#include "http/connection_registry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

namespace st::http {
namespace {

struct Item : ConnectionRegistry::Entry {
  int id = 0;
};

std::vector<int> ids_in(ConnectionRegistry& r) {
  std::vector<int> ids;
  r.for_each([&ids](ConnectionRegistry::Entry& e) { ids.push_back(static_cast<Item&>(e).id); });
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST(ConnectionRegistry, ListsWhatWasAddedAndNotYetRemoved) {
  ConnectionRegistry r;
  std::vector<Item> items(40);
  for (int i = 0; i < 40; ++i) {
    items[i].id = i;
    r.add(items[i]);
  }
  for (int i = 0; i < 40; i += 2) r.remove(items[i]);
  std::vector<int> odd;
  for (int i = 1; i < 40; i += 2) odd.push_back(i);
  EXPECT_EQ(ids_in(r), odd);
  for (int i = 1; i < 40; i += 2) r.remove(items[i]);
  EXPECT_TRUE(ids_in(r).empty());
}

TEST(ConnectionRegistry, ThreadsAddAndRemoveConcurrently) {
  ConnectionRegistry r;
  constexpr int kThreads = 4, kEach = 2000;
  std::vector<std::vector<Item>> items(kThreads, std::vector<Item>(kEach));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&r, &mine = items[t]] {
      for (auto& i : mine) r.add(i);
      for (auto& i : mine) r.remove(i);
    });
  for (auto& t : threads) t.join();
  EXPECT_TRUE(ids_in(r).empty());
}

}  // namespace
}  // namespace st::http
