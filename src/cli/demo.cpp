// `inscrire demo`: what the library does, on the bundled sample roster.
#include "command.hpp"

namespace inscrire::cli {

Reply command_demo(Context&, const Arguments& arguments) {
  expect_no_more(arguments);
  Reply reply;
  reply.text = "demo: coming\n";
  return reply;
}

}  // namespace inscrire::cli
