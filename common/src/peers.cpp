// The node's table of ranks (pid, state) in MPI shared memory, and the test for a lost peer.
#include "dojo/common/peers.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "dojo/common/mpi.hpp"

namespace dojo::peers {
namespace {

enum State : int { unused = 0, running = 1, gone_on_purpose = 2 };

struct Slot {
  std::atomic<int> world_rank;
  std::atomic<int> pid;
  std::atomic<int> state;
  std::atomic<std::uint64_t> start_time;  // /proc/PID/stat field 22: tells a reused pid apart
};
static_assert(std::atomic<int>::is_always_lock_free &&
              std::atomic<std::uint64_t>::is_always_lock_free);

struct Table {
  Slot* slots = nullptr;
  int count = 0;
  int mine = -1;
};
Table g_table;

// The notice channel: every rank keeps one receive posted for a lost rank's number.
struct Notices {
  MPI_Comm comm = MPI_COMM_NULL;
  MPI_Request receive = MPI_REQUEST_NULL;
  int received = -1;
  int size = 0, rank = -1;
};
Notices g_notices;
constexpr int kNoticeTag = 7171;
std::mutex g_mutex;  // guards g_table against the watchdog thread's reads while it is taken down
std::atomic<Slot*> g_mine{nullptr};  // for leaving() from a signal handler

// Start time of a process in clock ticks since boot, 0 when unknown; `zombie` when it has exited.
std::uint64_t start_time(int pid, bool* zombie) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(file, text)) return 0;
  // The command name (field 2) may hold spaces: fields are counted after its closing ')'.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(text.substr(close + 1));
  std::string field;
  std::uint64_t value = 0;
  for (int index = 3; rest >> field; ++index) {
    if (index == 3 && zombie != nullptr) *zombie = field == "Z" || field == "X";
    if (index == 22) {
      value = std::strtoull(field.c_str(), nullptr, 10);
      break;
    }
  }
  return value;
}

bool process_gone(const Slot& slot) {
  const int pid = slot.pid.load();
  if (pid <= 0) return false;
  if (kill(pid, 0) != 0 && errno == ESRCH) return true;
  bool zombie = false;
  const std::uint64_t started = start_time(pid, &zombie);
  if (zombie) return true;
  return started != 0 && slot.start_time.load() != 0 && started != slot.start_time.load();
}

}  // namespace

void attach(MPI_Comm node, MPI_Comm world, int world_rank) {
  std::lock_guard lock(g_mutex);
  if (g_table.slots != nullptr) return;
  int level = MPI_THREAD_SINGLE;
  DOJO_CHECK_MPI(MPI_Query_thread(&level));
  if (level == MPI_THREAD_MULTIPLE) {  // the watchdog thread tests the receive
    DOJO_CHECK_MPI(MPI_Comm_dup(world, &g_notices.comm));
    DOJO_CHECK_MPI(MPI_Comm_set_errhandler(g_notices.comm, MPI_ERRORS_RETURN));
    DOJO_CHECK_MPI(MPI_Comm_size(g_notices.comm, &g_notices.size));
    DOJO_CHECK_MPI(MPI_Comm_rank(g_notices.comm, &g_notices.rank));
    DOJO_CHECK_MPI(MPI_Irecv(&g_notices.received, 1, MPI_INT, MPI_ANY_SOURCE, kNoticeTag,
                             g_notices.comm, &g_notices.receive));
  }
  int rank = 0, size = 1;
  DOJO_CHECK_MPI(MPI_Comm_rank(node, &rank));
  DOJO_CHECK_MPI(MPI_Comm_size(node, &size));
  // POSIX shared memory, not an MPI window: the table must stay mapped after MPI_Finalize (a
  // runtime may outlive it, and the watchdog thread reads it until the process ends). Node rank 0
  // creates it under a name private to this job step, the others map it, then the name goes.
  char name[64] = {};
  if (rank == 0)
    std::snprintf(name, sizeof name, "/dojo-peers-%d-%d", static_cast<int>(getpid()), world_rank);
  DOJO_CHECK_MPI(MPI_Bcast(name, sizeof name, MPI_CHAR, 0, node));
  const std::size_t bytes = sizeof(Slot) * static_cast<std::size_t>(size);
  int fd = shm_open(name, rank == 0 ? O_CREAT | O_EXCL | O_RDWR : O_RDWR, 0600);
  if (rank == 0 && fd >= 0 && ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
    close(fd);
    fd = -1;
  }
  DOJO_CHECK_MPI(MPI_Barrier(node));  // created and sized before the others open it
  if (rank != 0) fd = shm_open(name, O_RDWR, 0600);
  void* base =
      fd >= 0 ? mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
  if (fd >= 0) close(fd);
  int mapped = base != MAP_FAILED ? 1 : 0;
  DOJO_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, &mapped, 1, MPI_INT, MPI_MIN, node));
  if (rank == 0) shm_unlink(name);
  if (mapped == 0) {  // no shared memory here: no peer-loss check, nothing else changes
    if (base != MAP_FAILED) munmap(base, bytes);
    return;
  }
  g_table.slots = static_cast<Slot*>(base);
  g_table.count = size;
  g_table.mine = rank;
  Slot& slot = g_table.slots[rank];
  const int pid = static_cast<int>(getpid());
  slot.world_rank.store(world_rank);
  slot.pid.store(pid);
  slot.start_time.store(start_time(pid, nullptr));
  slot.state.store(running);
  g_mine.store(&slot);
  DOJO_CHECK_MPI(MPI_Barrier(node));  // every slot is filled before anyone reads the table
}

void detach() {
  forget();  // the table stays mapped (the watchdog thread may still look): a few bytes
  if (mpi::is_finalized()) return;
  if (g_notices.comm != MPI_COMM_NULL) MPI_Comm_free(&g_notices.comm);
}

void tell_others(int lost_rank, double seconds) {
  std::lock_guard lock(g_mutex);
  if (g_notices.comm == MPI_COMM_NULL || g_table.slots == nullptr || mpi::is_finalized()) return;
  // Not to this node's ranks: they see the loss in the table themselves.
  std::vector<char> on_node(static_cast<std::size_t>(g_notices.size), 0);
  for (int i = 0; i < g_table.count; ++i) {
    const int rank = g_table.slots[i].world_rank.load();
    if (rank >= 0 && rank < g_notices.size) on_node[static_cast<std::size_t>(rank)] = 1;
  }
  static int message = 0;
  message = lost_rank;
  std::vector<MPI_Request> sends;
  for (int rank = 0; rank < g_notices.size; ++rank) {
    if (on_node[static_cast<std::size_t>(rank)] != 0) continue;
    MPI_Request request = MPI_REQUEST_NULL;
    if (MPI_Isend(&message, 1, MPI_INT, rank, kNoticeTag, g_notices.comm, &request) == MPI_SUCCESS)
      sends.push_back(request);
  }
  // Small messages leave at once; a dead or stuck receiver must not keep this rank here.
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  int done = 0;
  while (!sends.empty() && std::chrono::steady_clock::now() < until) {
    if (MPI_Testall(static_cast<int>(sends.size()), sends.data(), &done, MPI_STATUSES_IGNORE) !=
            MPI_SUCCESS ||
        done != 0)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

int notice() {
  std::lock_guard lock(g_mutex);
  if (g_notices.receive == MPI_REQUEST_NULL || mpi::is_finalized()) return -1;
  int done = 0;
  if (MPI_Test(&g_notices.receive, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS || done == 0) return -1;
  return g_notices.received;
}

void forget() {
  std::lock_guard lock(g_mutex);
  // A runtime destroyed after MPI_Finalize (a test's static one) has nothing left to free.
  if (g_notices.receive != MPI_REQUEST_NULL && !mpi::is_finalized()) {  // local: no peer takes part
    MPI_Cancel(&g_notices.receive);
    MPI_Request_free(&g_notices.receive);
  }
  if (g_table.slots == nullptr) return;
  leaving();
  g_mine.store(nullptr);
  g_table.slots = nullptr;
  g_table.count = 0;
}

bool attached() noexcept {
  return g_mine.load() != nullptr;
}

void leaving() noexcept {
  if (Slot* slot = g_mine.load()) slot->state.store(gone_on_purpose);
}

std::vector<int> lost() {
  std::lock_guard lock(g_mutex);
  std::vector<int> ranks;
  if (g_table.slots == nullptr) return ranks;
  for (int i = 0; i < g_table.count; ++i) {
    const Slot& slot = g_table.slots[i];
    if (i != g_table.mine && slot.state.load() == running && process_gone(slot))
      ranks.push_back(slot.world_rank.load());
  }
  return ranks;
}

bool reports_for_node() {
  std::lock_guard lock(g_mutex);
  if (g_table.slots == nullptr) return true;
  const int me = g_table.slots[g_table.mine].world_rank.load();
  for (int i = 0; i < g_table.count; ++i) {
    const Slot& slot = g_table.slots[i];
    const bool is_lost = slot.state.load() == running && process_gone(slot);
    if (i != g_table.mine && !is_lost && slot.world_rank.load() < me) return false;
  }
  return true;
}

namespace {

// Appends the decimal digits of `value` (>= 0) to `out` at `*at`, within `size`.
void append(char* out, std::size_t size, std::size_t* at, const char* text) {
  while (*text != '\0' && *at + 1 < size) out[(*at)++] = *text++;
}
void append(char* out, std::size_t size, std::size_t* at, int value) {
  char digits[16];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0 && n < 15);
  while (n > 0 && *at + 1 < size) out[(*at)++] = digits[--n];
}

}  // namespace

void exit_if_peer_lost(int exit_code, const char* doing) noexcept {
  // No lock: a handler may interrupt the thread that holds it. The table is only taken down on the
  // way out (forget), after which g_mine is null.
  Slot* mine = g_mine.load();
  if (mine == nullptr) return;
  const Slot* slots = g_table.slots;
  const int count = g_table.count;
  if (slots == nullptr) return;
  const int me = mine->world_rank.load();
  int first_lost = -1;
  bool reports = true;
  for (int i = 0; i < count; ++i) {
    const Slot& slot = slots[i];
    if (&slot == mine) continue;
    const int pid = slot.pid.load();
    const bool gone =
        slot.state.load() == running && pid > 0 && kill(pid, 0) != 0 && errno == ESRCH;
    const int rank = slot.world_rank.load();
    if (gone && (first_lost < 0 || rank < first_lost)) first_lost = rank;
    if (!gone && rank < me) reports = false;
  }
  if (first_lost < 0) return;
  mine->state.store(gone_on_purpose);
  if (reports) {
    char line[256];
    std::size_t at = 0;
    append(line, sizeof line, &at, "dojo: error: rank ");
    append(line, sizeof line, &at, me);
    append(line, sizeof line, &at, ": peer rank ");
    append(line, sizeof line, &at, first_lost);
    append(line, sizeof line, &at,
           " lost (its process ended without leaving the job) while this rank was ");
    append(line, sizeof line, &at, doing);
    append(line, sizeof line, &at, "; ending the job\n");
    ssize_t ignored = write(STDERR_FILENO, line, at);
    (void)ignored;
  }
  _exit(exit_code);
}

}  // namespace dojo::peers
