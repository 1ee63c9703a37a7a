#pragma once
// The server's open connections, so stop() can reach them. Adding and removing one is O(1)
// and takes one of kShards mutexes (picked round-robin), so connections closing on different
// threads rarely wait on each other; only stop() walks them all, shard by shard.
#include <array>
#include <atomic>
#include <cstddef>
#include <mutex>

#include <boost/intrusive/list.hpp>

namespace st::http {

class ConnectionRegistry {
 public:
  // A registered object derives from Entry; it must be removed before it is destroyed.
  class Entry : public boost::intrusive::list_base_hook<> {
    friend class ConnectionRegistry;
    std::size_t shard_ = 0;
  };

  void add(Entry& e) {
    e.shard_ = next_shard_.fetch_add(1, std::memory_order_relaxed) % kShards;
    Shard& s = shards_[e.shard_];
    std::lock_guard lock(s.mutex);
    s.entries.push_back(e);
  }

  void remove(Entry& e) {
    Shard& s = shards_[e.shard_];
    std::lock_guard lock(s.mutex);
    s.entries.erase(s.entries.iterator_to(e));
  }

  // Calls f(entry) for every entry, holding that entry's shard lock: f must not add or remove.
  template <class F>
  void for_each(F&& f) {
    for (Shard& s : shards_) {
      std::lock_guard lock(s.mutex);
      for (Entry& e : s.entries) f(e);
    }
  }

 private:
  static constexpr std::size_t kShards = 16;
  struct Shard {
    std::mutex mutex;
    boost::intrusive::list<Entry> entries;
  };
  std::array<Shard, kShards> shards_;
  std::atomic<std::size_t> next_shard_{0};
};

}  // namespace st::http
