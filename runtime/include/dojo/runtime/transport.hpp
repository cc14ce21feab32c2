// Which layer carries this job's point-to-point traffic, as the MPI library says through its public
// tool interface (MPI_T), and which UCX the process has loaded. For `dojo info`.
#pragma once

#include <string>
#include <vector>

namespace dojo::runtime {

struct Transport {
  // Open MPI's selected point-to-point component: "ob1" (byte-transfer layers), "ucx", "cm";
  // "unknown" when the library does not say (another MPI, or MPI_T unavailable).
  std::string pml = "unknown";
  // The byte-transfer layers ob1 has open after MPI_Init, e.g. {"self", "tcp", "vader"}.
  std::vector<std::string> btls;
  // What the job asked for with --mca pml / OMPI_MCA_pml / openmpi-mca-params.conf, e.g. "ucx" or
  // Debian's default "^ucx"; empty when nothing was asked.
  std::string pml_requested;
  // The UCX library this process runs with (ucp_get_version_string), e.g. "1.13.1".
  std::string ucx_version;

  bool ucx_carries_traffic() const { return pml == "ucx"; }
};

// Call after MPI_Init; collective over nothing (each rank answers for itself).
Transport point_to_point_transport();

// One line for `dojo info`, e.g. "ob1 (BTLs: self, tcp, vader)" or "ucx (UCX 1.13.1)".
std::string describe_point_to_point(const Transport& transport);
// One line on UCX: its version and whether it carries the traffic, and how to make it when not.
std::string describe_ucx(const Transport& transport);

}  // namespace dojo::runtime
