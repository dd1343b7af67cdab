// uflow import on broken input: every failure is one line naming the file and what is wrong,
// and nothing is written (no output, no temporary file, an existing output untouched).
#include <filesystem>

#include "import_test_util.h"
#include "weights/restricted_unpickler.h"

using namespace uflow;
using namespace uflow::test;

namespace {

std::string le64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

// A safetensors file from a header text and a data size (zero bytes).
std::string safetensors(const std::string& header, size_t data_bytes) {
  return le64(header.size()) + header + std::string(data_bytes, '\0');
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Runs the import of `input` into an output that already holds "previous"; returns the error
// after checking it is one line naming the input, and that the output was left alone.
std::string failed_import(const ScratchDir& tmp, const std::string& input,
                          std::vector<std::string> extra = {"--arch", "x", "--input-size", "8"}) {
  const std::string out = tmp.file("out.h5");
  write_text(out, "previous");
  std::vector<std::string> args{input, "--out", out, "--weights-dir", tmp.file("w")};
  args.insert(args.end(), extra.begin(), extra.end());
  const std::string e = error_of([&] { app::import_command(args); });
  INFO("error: ", e);
  CHECK(e != "<no error>");
  CHECK(e.find(input) != std::string::npos);
  CHECK(e.find('\n') == std::string::npos);
  CHECK(read_all(out) == "previous");
  CHECK(!std::filesystem::exists(out + ".tmp"));
  CHECK(!std::filesystem::exists(tmp.file("w")));
  return e;
}

bool has(const std::string& text, const std::string& part) {
  INFO("message: ", text);
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("malformed safetensors files") {
  ScratchDir tmp("import-bad-st");
  const std::string good = read_all(import_fixture("dtypes/mixed.safetensors"));
  const std::string f = tmp.file("bad.safetensors");

  write_bytes(f, good.substr(0, good.size() - 10));  // data cut short
  CHECK(has(failed_import(tmp, f), "lie outside"));
  write_bytes(f, good.substr(0, 40));  // cut inside the header
  CHECK(has(failed_import(tmp, f), "runs past the end"));
  write_bytes(f, le64(1ull << 40) + "{}");  // header length past the end
  CHECK(has(failed_import(tmp, f), "runs past the end"));

  const std::string a = R"("a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]})";
  write_bytes(
      f, safetensors("{" + a + R"(, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
                     12));
  CHECK(has(failed_import(tmp, f), "overlap"));
  write_bytes(f,
              safetensors(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}})", 8));
  CHECK(has(failed_import(tmp, f), "lie outside"));
  write_bytes(f,
              safetensors(R"({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}})", 8));
  CHECK(has(failed_import(tmp, f), "needs 12"));
  write_bytes(f, safetensors(R"({"a": {"dtype": "Q7", "shape": [2], "data_offsets": [0, 8]}})", 8));
  CHECK(has(failed_import(tmp, f), "unknown dtype 'Q7'"));
  write_bytes(f,
              safetensors(R"({"a": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}})", 8));
  CHECK(has(failed_import(tmp, f), "not a non-negative integer"));
  write_bytes(f, safetensors(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]})", 8));
  CHECK(has(failed_import(tmp, f), "not valid JSON"));
}

TEST_CASE("malformed PyTorch zip checkpoints") {
  ScratchDir tmp("import-bad-zip");
  CHECK(has(failed_import(tmp, import_fixture("bad/opcode.pth")),
            "unsupported pickle opcode 0x70 (PUT)"));
  CHECK(has(failed_import(tmp, import_fixture("bad/huge_entry.pth")),
            "claims 4294967294 bytes, more than the whole"));
  CHECK(has(failed_import(tmp, import_fixture("bad/not_a_tensor.pth")),
            "a tensor is built from a object builtins.object instead of a storage"));
  const std::string good = read_all(import_fixture("hub/pytorch_model.bin"));
  const std::string f = tmp.file("cut.bin");
  write_bytes(f, good.substr(0, good.size() / 2));  // no central directory any more
  CHECK(has(failed_import(tmp, f), "not a readable PyTorch zip checkpoint"));
  write_bytes(f, "PK\x03\x04 nothing else");
  CHECK(has(failed_import(tmp, f), "not a readable PyTorch zip checkpoint"));
}

TEST_CASE("unknown formats and missing files") {
  ScratchDir tmp("import-bad-other");
  const std::string f = tmp.file("notes.txt");
  write_text(f, "just some text, long enough to be looked at");
  CHECK(has(failed_import(tmp, f), "unknown format"));
  CHECK(has(failed_import(tmp, tmp.file("absent.safetensors")), "file not found"));
  // A state dict that is no CaiT, without --arch: the name cannot be guessed.
  const std::string st = tmp.file("plain.safetensors");
  write_bytes(st,
              safetensors(R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})", 8));
  CHECK(has(failed_import(tmp, st, {}), "pass --arch"));
}

TEST_CASE("an arch from config.json never leaves the weights folder") {
  ScratchDir tmp("import-bad-config");
  const std::string st = tmp.file("model.safetensors");
  std::filesystem::copy_file(import_fixture("hub/model.safetensors"), st);
  write_text(tmp.file("config.json"), R"({"architecture": "../../evil"})");
  const std::string e = error_of([&] { app::import_command({st}); });
  CHECK(has(e, "'../../evil' is no plain file name: pass --out"));
  CHECK(!std::filesystem::exists("evil.h5"));
  write_text(tmp.file("config.json"), R"({"architecture": 7})");
  CHECK(has(error_of([&] {
              app::import_command({st, "--out", tmp.file("w.h5")});
            }),
            "'architecture' is not a string"));
  CHECK(!std::filesystem::exists(tmp.file("w.h5")));
}

namespace {

std::string pickle_error(const std::string& bytes) {
  return error_of([&] { read_pickle(bytes, "x.pth: archive/data.pkl"); });
}

// Pickle pieces, spelled out so that no escape sequence swallows the next character.
std::string op(int code) {
  return std::string(1, static_cast<char>(code));
}
std::string str(const std::string& s) {  // BINUNICODE
  std::string n(4, '\0');
  for (int i = 0; i < 4; ++i) n[i] = static_cast<char>((s.size() >> (8 * i)) & 0xff);
  return "X" + n + s;
}
std::string small(int v) {
  return "K" + op(v);
}  // BININT1
std::string global(const std::string& module, const std::string& name) {
  return "c" + module + "\n" + name + "\n";
}
const std::string kProto = op(0x80) + op(2);
// ('storage', torch.<type>, key, 'cpu', numel) as a persistent id.
std::string storage(const std::string& type, const std::string& key, int numel) {
  return "(" + str("storage") + global("torch", type) + str(key) + str("cpu") + small(numel) + "tQ";
}

}  // namespace

TEST_CASE("restricted unpickler: values, and what it refuses") {
  // {'a': [1, -2, 1.5, True, None, 'é'], 'b': (300, -70000, 2**40)}
  const std::string ok = kProto + "}(" + str("a") + "](" + small(1) + "J" + op(0xfe) + op(0xff) +
                         op(0xff) + op(0xff) + "G" + op(0x3f) + op(0xf8) + std::string(6, '\0') +
                         op(0x88) + "N" + str("\xc3\xa9") + "e" + str("b") + "M" + op(0x2c) +
                         op(0x01) + "J" + op(0x90) + op(0xee) + op(0xfe) + op(0xff) + op(0x8a) +
                         op(6) + std::string(5, '\0') + op(1) + op(0x87) + "u.";
  const PickleDocument doc = read_pickle(ok, "test");
  const PyValue* a = doc.root->get("a");
  REQUIRE(a != nullptr);
  REQUIRE(a->items.size() == 6);
  CHECK(a->items[0]->integer == 1);
  CHECK(a->items[1]->integer == -2);
  CHECK(a->items[2]->real == 1.5);
  CHECK(a->items[3]->boolean);
  CHECK(a->items[4]->kind == PyKind::none);
  CHECK(a->items[5]->text == "\xc3\xa9");
  const PyValue* b = doc.root->get("b");
  REQUIRE(b != nullptr);
  REQUIRE(b->items.size() == 3);
  CHECK(b->kind == PyKind::tuple);
  CHECK(b->items[0]->integer == 300);
  CHECK(b->items[1]->integer == -70000);
  CHECK(b->items[2]->integer == (int64_t{1} << 40));

  // A list that contains itself parses (and is freed) without recursion.
  const PickleDocument cyclic = read_pickle(kProto + "]q" + op(0) + "h" + op(0) + "a.", "test");
  CHECK(cyclic.root->items.at(0) == cyclic.root);

  CHECK(has(pickle_error(kProto + "}"), "pickle is truncated"));
  CHECK(has(pickle_error(kProto + "I1\n."), "unsupported pickle opcode 0x49 (INT)"));
  CHECK(has(pickle_error(kProto + "h" + op(5) + "."), "memo entry 5 never set"));
  CHECK(has(pickle_error(kProto + "."), "ends with 0 values on the stack"));
  CHECK(has(pickle_error(kProto + small(1) + "u."), "MARK it never set"));
  // A persistent id naming a class that is no storage type.
  CHECK(has(pickle_error(kProto + "(" + str("storage") + global("os", "system") + str("0") +
                         str("cpu") + small(4) + "tQ."),
            "unknown storage type (class os.system)"));
  // A tensor reaching past its storage: 4 floats, size (3,), stride (2,).
  const std::string rebuild = global("torch._utils", "_rebuild_tensor_v2");
  CHECK(has(pickle_error(kProto + rebuild + "(" + storage("FloatStorage", "0", 4) + small(0) +
                         small(3) + op(0x85) + small(2) + op(0x85) + op(0x89) + "}tR."),
            "lies outside its storage '0' of 4 elements"));
  // The same storage named twice with different sizes.
  CHECK(has(pickle_error(kProto + "(" + storage("FloatStorage", "0", 4) +
                         storage("FloatStorage", "0", 8) + "t."),
            "named twice"));
  // Calling any other global builds an opaque value; nothing runs.
  const PickleDocument opaque =
      read_pickle(kProto + global("os", "system") + str("ls") + op(0x85) + "R.", "test");
  CHECK(opaque.root->describe() == "object os.system");
}
