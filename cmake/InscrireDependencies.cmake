# Every third-party dependency, in one place. Each comes from a Debian 12 package listed in
# scripts/debian-packages.txt; nothing is downloaded at build time.
find_package(PkgConfig REQUIRED)
find_package(ICU 72 REQUIRED COMPONENTS uc i18n data)
find_package(Boost 1.74 REQUIRED COMPONENTS locale date_time)
find_package(OpenSSL 3 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(LibXml2 REQUIRED)
# libzip via pkg-config: Debian 12's CMake config for it demands the zipcmp tools.
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
pkg_check_modules(ARGON2 REQUIRED IMPORTED_TARGET libargon2)
pkg_check_modules(XCRYPT REQUIRED IMPORTED_TARGET libxcrypt)
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
# libpq (Debian libpq-dev, PostgreSQL 15): the PostgreSQL store (src/postgresql/).
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
if(INSCRIRE_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(INSCRIRE_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
