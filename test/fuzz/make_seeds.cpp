// Writes the HDF5 seeds of the data set fuzz target (small valid files of each kind and element
// type) into a directory: dojo-fuzz-make-seeds DIR. The checkpoint seed comes from a one-step
// training run on the classification seed (see tools/fuzz).
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "dojo/io/writer.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 64;
  }
  const std::string dir = argv[1];
  using dojo::io::DatasetKind;
  {
    // 4 samples of shape (2, 2), 3 classes, float32.
    dojo::io::DatasetWriter w(dir + "/classes-float.hdf5", DatasetKind::classification, "seed",
                              "make_seeds");
    dojo::io::ClassMetadata m{{2, 2}, 3, {"a", "b", "c"}};
    const std::vector<float> samples = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    const std::vector<std::int32_t> labels = {0, 1, 2, 1};
    w.add_classification_split("train", m, samples, labels);
    w.add_classification_split("test", m, samples, labels);
    w.close();
  }
  {
    // 3 samples of 4 bytes, 2 classes, uint8 with scale 1/255.
    dojo::io::DatasetWriter w(dir + "/classes-uint8.hdf5", DatasetKind::classification, "seed",
                              "make_seeds");
    dojo::io::ClassMetadata m{{4}, 2, {}};
    const std::vector<std::uint8_t> samples = {0, 255, 7, 9, 1, 2, 3, 4, 200, 100, 50, 25};
    const std::vector<std::int32_t> labels = {0, 1, 1};
    w.add_classification_split("train", m, samples, 1.0 / 255, labels);
    w.close();
  }
  {
    dojo::io::DatasetWriter w(dir + "/tokens.hdf5", DatasetKind::tokens, "seed", "make_seeds");
    const std::string text = "the quick brown fox";
    const std::vector<std::uint8_t> tokens(text.begin(), text.end());
    w.add_token_split("train", tokens, 256);
    w.add_token_split("validation", std::vector<std::uint8_t>(tokens.begin(), tokens.begin() + 8),
                      256);
    w.close();
  }
  return 0;
}
