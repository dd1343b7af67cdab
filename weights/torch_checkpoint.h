// Reader for PyTorch checkpoints in the zip format torch.save writes since PyTorch 1.6
// (pytorch_model.bin, timm and torchvision .pth, Lightning .ckpt): one folder holding
// data.pkl (the pickled object), data/<key> (one raw little-endian storage per key) and
// byteorder ("little" or "big"). The pickle is read by the restricted unpickler
// (weights/restricted_unpickler.h), which runs no code; tensors are read one at a time from
// their storages, with any dtype, offset and strides, also when several share one storage.
// Zip entries are read with libzip; every entry's claimed size is checked against the archive
// before anything is allocated, and storages against the tensors that use them.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "weights/restricted_unpickler.h"
#include "weights/tensor_source.h"

namespace uflow {

class TorchCheckpoint : public TensorSource {
 public:
  explicit TorchCheckpoint(const std::string& path);
  ~TorchCheckpoint() override;
  TorchCheckpoint(const TorchCheckpoint&) = delete;
  TorchCheckpoint& operator=(const TorchCheckpoint&) = delete;

  // The unpickled object (a dict for every checkpoint uflow converts).
  const PyValue& root() const { return *doc_.root; }
  // The state dict: the root, or its "state_dict" or "model" entry when that is a dict (as
  // Lightning and many training scripts wrap it). Its tensor entries are tensors().
  const PyValue& state_dict() const { return *state_; }

  const std::string& path() const override { return path_; }
  const std::vector<SourceTensorInfo>& tensors() const override { return tensors_; }
  Tensor read_float(size_t index) const override;
  // Reads any tensor of the document as a contiguous float32 CPU tensor; name is for errors.
  Tensor read_float(const PyTensor& t, const std::string& name) const;

  // True when the file starts like a zip archive.
  static bool looks_like(const std::string& path);

 private:
  std::string path_, prefix_;  // prefix_: "<archive folder>/"
  void* zip_ = nullptr;        // zip_t*
  bool big_endian_ = false;
  PickleDocument doc_;
  const PyValue* state_ = nullptr;
  std::vector<SourceTensorInfo> tensors_;
  std::vector<const PyTensor*> tensor_values_;
};

}  // namespace uflow
