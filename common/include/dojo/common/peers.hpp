// Which rank was lost. A rank that is SIGKILLed (by the OOM killer, a test, a failing node) cannot
// say so, and MPI's shared-memory transport never notices: its peers would wait in their next
// collective until the launcher kills them too, and the job would end with every task reported as
// killed. The ranks of a node therefore share a small table (MPI shared memory) of their pids and
// states; a rank whose process is gone while its state still says "running" was lost. The hang
// watchdog's thread looks at the table while its rank waits (or has a stop signal pending) and
// ends the rank promptly, naming the lost peer (see watchdog.hpp).
#pragma once

#include <mpi.h>

#include <vector>

namespace dojo::peers {

// Collective over `world` (`node`: this rank's ranks that share memory): publishes this rank's
// world rank and pid in the node's table, and (with MPI_THREAD_MULTIPLE) opens the notice channel
// on a duplicate of `world` through which the node that saw a loss tells the other nodes.
void attach(MPI_Comm node, MPI_Comm world, int world_rank);
// Collective over the same ranks: frees the table (before MPI_Finalize).
void detach();
// Not collective: marks this rank leaving and stops reading the table, which MPI_Finalize or
// MPI_Abort will unmap (every exit path that does not run detach() calls it first).
void forget();
bool attached() noexcept;

// This rank is leaving on purpose (an error, a stop, the end): it must not be reported as lost.
// Async-signal-safe.
void leaving() noexcept;

// World ranks of this node whose process has ended although they never marked themselves leaving.
std::vector<int> lost();

// True when this rank is the lowest world rank of its node that is not lost: the one that reports.
bool reports_for_node();

// Ranks on other nodes cannot see a loss: the rank that reports it sends every other rank a notice
// (non-blocking, waited for at most `seconds`) before it leaves. notice() returns the lost rank
// such a notice named, or -1 (called by the watchdog thread only).
void tell_others(int lost_rank, double seconds);
int notice();

// For a signal handler (async-signal-safe; kill(pid, 0) only, so a zombie counts as alive): when a
// peer of this node is lost, prints "dojo: error: rank R: peer rank K lost ..." if this rank
// reports for the node and ends the process with `exit_code`; returns when none is lost.
void exit_if_peer_lost(int exit_code, const char* doing) noexcept;

}  // namespace dojo::peers
