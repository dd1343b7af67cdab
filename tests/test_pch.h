// Headers almost every test program includes, compiled once into a precompiled header that all
// of them share (tests/CMakeLists.txt): parsing these was about half of each test's build time.
// Nothing here may depend on a test's own definitions.
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "autograd/gradcheck.h"
#include "autograd/ops.h"
