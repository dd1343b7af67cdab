// uflow import on files written by PyTorch, safetensors and timm
// (tools/reference/make_import_fixtures.py): each result must equal, dataset for dataset and
// attribute for attribute, what the Python exporters (tools/export_timm.py,
// tools/export_uflow_ckpt.py) write from the same source.
#include <filesystem>

#include "apps/model/checkpoint.h"
#include "import_test_util.h"
#include "weights/safetensors_file.h"
#include "weights/torch_checkpoint.h"

using namespace uflow;
using namespace uflow::test;

TEST_CASE("safetensors with a timm config.json equals export_timm's weight file") {
  ScratchDir tmp("import-st");
  run_import({import_fixture("hub/model.safetensors"), "--out", tmp.file("w.h5")});
  // arch, input size, mean and std come from config.json (mean 0.5, std 0.25).
  check_same_file(import_fixture("hub/expected.h5"), tmp.file("w.h5"));
}

TEST_CASE("pytorch_model.bin (torch.save zip) equals export_timm's weight file") {
  ScratchDir tmp("import-bin");
  run_import({import_fixture("hub/pytorch_model.bin"), "--out", tmp.file("w.h5")});
  check_same_file(import_fixture("hub/expected.h5"), tmp.file("w.h5"));
}

TEST_CASE("float16, bfloat16, float64 and int64 safetensors widen as the exporter does") {
  ScratchDir tmp("import-dtypes");
  run_import({import_fixture("dtypes/mixed.safetensors"), "--arch", "mixed", "--input-size", "8",
              "--out", tmp.file("w.h5")});
  check_same_file(import_fixture("dtypes/expected.h5"), tmp.file("w.h5"));
  const SafetensorsFile st(import_fixture("dtypes/mixed.safetensors"));
  std::map<std::string, ElementType> types;
  for (const SourceTensorInfo& t : st.tensors()) types[t.name] = t.type;
  CHECK(types.at("half") == ElementType::f16);
  CHECK(types.at("bfloat") == ElementType::bf16);
  CHECK(types.at("double") == ElementType::f64);
  CHECK(types.at("index") == ElementType::i64);
}

TEST_CASE("non-contiguous, storage-sharing and mixed-dtype tensors of a .pth checkpoint") {
  ScratchDir tmp("import-views");
  const TorchCheckpoint ckpt(import_fixture("views/views.pth"));
  // The objects of unknown classes next to the state dict stay opaque values.
  const PyValue* meta = ckpt.root().get("meta");
  REQUIRE(meta != nullptr);
  CHECK(meta->get("callback")->kind == PyKind::object);
  CHECK(meta->get("args")->describe() == "object argparse.Namespace");
  CHECK(meta->get("step")->integer == 3);
  CHECK(meta->get("ratio")->real == 0.5);
  const PyValue* first = ckpt.state_dict().get("first");
  const PyValue* second = ckpt.state_dict().get("second");
  REQUIRE((first && second));
  CHECK(first->tensor.storage == second->tensor.storage);  // one storage, two views
  CHECK(second->tensor.offset == 20);
  CHECK(ckpt.state_dict().get("transposed")->tensor.stride == std::vector<int64_t>{1, 10});

  run_import({import_fixture("views/views.pth"), "--arch", "views", "--input-size", "8", "--out",
              tmp.file("w.h5")});
  check_same_file(import_fixture("views/expected.h5"), tmp.file("w.h5"));
}

TEST_CASE("a Lightning U-Flow checkpoint converts as export_uflow_ckpt.py converts it") {
  ScratchDir tmp("import-uflow");
  const std::string wdir = tmp.file("weights");
  run_import({import_fixture("uflow/lightning.ckpt"), "--out", tmp.file("ckpt.h5"), "--weights-dir",
              wdir});
  // The folder recorded differs (the reference was written with "weights"); all else is equal,
  // the clamp (1.5) included, read from a hyper-parameter dict subclass.
  check_same_file(import_fixture("uflow/expected.h5"), tmp.file("ckpt.h5"), {"weights_dir"});
  CHECK(H5File(tmp.file("ckpt.h5"), 'r').attr_string("weights_dir") == wdir);
  for (const char* arch : {"cait_d16_depth2_64", "cait_d16_depth1_32"})
    check_same_file(import_fixture(std::string("uflow/weights/") + arch + ".h5"),
                    wdir + "/" + arch + ".h5");
  const app::CheckpointInfo info = app::read_checkpoint_info(tmp.file("ckpt.h5"));
  CHECK(info.spec.clamp == 1.5);
  CHECK(info.epoch == 12);
}

TEST_CASE("--check prints and verifies uflow files, and refuses broken ones") {
  ScratchDir tmp("import-check");
  run_import({"--check", import_fixture("hub/expected.h5")});
  run_import({"--check", import_fixture("uflow/expected.h5")});
  // A weight file whose arch contradicts its CaiT shapes.
  run_import({import_fixture("hub/model.safetensors"), "--out", tmp.file("w.h5"), "--arch",
              "cait_s24_224"});
  const std::string e = error_of([&] { app::import_command({"--check", tmp.file("w.h5")}); });
  CHECK(e.find(tmp.file("w.h5")) != std::string::npos);
  CHECK(e.find("shapes are those of cait_d16_depth2_32") != std::string::npos);
}
