// Owner of the tests' precompiled header (test_pch.h); every test program reuses it.
