#include <gtest/gtest.h>
#include "inscrire/text.hpp"
TEST(Smoke, Key) { EXPECT_EQ(inscrire::comparison_key("Abc"), "abc"); }
