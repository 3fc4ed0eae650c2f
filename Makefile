# crm: a customer relationship manager as Unix tools.
# One Makefile, no generator: lib/*.c becomes build/libcrm.a, every cmd/X.c
# becomes build/bin/X linked against it.

VERSION   = 0.1.0
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

CC       ?= cc
B        ?= build
PKGS      = sqlite3 yaml-0.1 nettle pangocairo fontconfig gmime-3.0 gsl libpq
CFLAGS   ?= -O2 -g
# string literals are const in the code (tests may build argv from them)
CODE_WARN = $(WARN) -Wwrite-strings
WARN      = -std=c11 -Wall -Wextra -Wvla -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DCRM_VERSION='"$(VERSION)"' -Ilib
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsqlite3 -lyaml -lnettle -lgsl -lgslcblas -lpq) -lcsv -lm

ifdef SANITIZE
CFLAGS  += -fsanitize=$(SANITIZE) -fno-sanitize-recover=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
endif

LIB_SRC  = $(sort $(wildcard lib/*.c))
LIB_OBJ  = $(LIB_SRC:%.c=$(B)/%.o)
CMD_SRC  = $(sort $(wildcard cmd/*.c))
BIN      = $(notdir $(CMD_SRC:.c=))
BIN_OUT  = $(BIN:%=$(B)/bin/%)
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNIT_OUT = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
MAN1     = $(sort $(wildcard man/man1/*.1))
MAN5     = $(sort $(wildcard man/man5/*.5))
MAN7     = $(sort $(wildcard man/man7/*.7))
MANS     = $(MAN1) $(MAN5) $(MAN7)

DEB_PKGS = libsqlite3-dev libyaml-dev libcsv-dev nettle-dev pkg-config libcmocka-dev \
           bats bats-assert bats-support parallel mandoc sqlite3 gnuplot-nox fonts-noto-cjk \
           python3 libcairo2-dev libpango1.0-dev poppler-utils libgmime-3.0-dev libgsl-dev \
           libpq-dev postgresql
# only for make fuzz and make valgrind
DEV_PKGS = clang libclang-rt-14-dev valgrind

.PHONY: all deps demo check check-full check-pg test unit cli lint install uninstall clean bench fuzz valgrind

all: $(BIN_OUT)

$(B)/lib/%.o: lib/%.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CODE_WARN) $(CFLAGS) -c -o $@ $<

# the one module that lays out PDF (quote_render.c) includes cairo and pango
$(B)/lib/quote_render.o: CPPFLAGS += $(shell pkg-config --cflags pangocairo fontconfig 2>/dev/null)
# and the one that parses e-mail (mail.c) GMime and GLib
$(B)/lib/mail.o: CPPFLAGS += $(shell pkg-config --cflags gmime-3.0 2>/dev/null)
# and the PostgreSQL backend (db_pg.c) libpq
$(B)/lib/db_pg.o: CPPFLAGS += $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
$(B)/tests/test_db_pg: CPPFLAGS += $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
$(B)/tests/test_normalise_pg: CPPFLAGS += $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
# test_normalise_pg runs every input of test_normalise.c, which it includes
$(B)/tests/test_normalise_pg: tests/unit/test_normalise.c

$(B)/cmd/%.o: cmd/%.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CODE_WARN) $(CFLAGS) -c -o $@ $<

$(B)/libcrm.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/bin/%: $(B)/cmd/%.o $(B)/libcrm.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(B)/libcrm.a $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(B)/libcrm.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libcrm.a $(LDLIBS) -lcmocka

deps:
	@sh tests/deps.sh $(DEB_PKGS)

demo: deps all
	@sh examples/demo.sh $(B)/bin

# make check: unit and command-line tests and the man page lint, then under
# AddressSanitizer and UndefinedBehaviorSanitizer the unit tests (with the
# fuzz regressions), faults.bats and a slice of the command-line tests
# that runs every tool (SLICE in tests/run.sh), every command-line test
# again on PostgreSQL (in tests/run.sh), and last the PostgreSQL schema
# against SQLite's (tests/pg-schema-check.sh).  make check-full runs
# every command-line test under the sanitizers too.
SAN_FLAGS = B=build-san SANITIZE=address,undefined CFLAGS='-O1 -g'
JOBS     ?= $(shell getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)

check check-full:
	@$(MAKE) --no-print-directory -j$(JOBS) all units B=$(B) >/dev/null
	@$(MAKE) --no-print-directory -j$(JOBS) all units $(SAN_FLAGS) >/dev/null
	@sh tests/run.sh $(if $(filter check-full,$@),-f) $(B) build-san $(MANS)
	@sh tests/pg-schema-check.sh $(B)
	@sh tests/pg-parity.sh $(B)
	@sh tests/pg-migrate.sh $(B)
	@sh tests/pg-rls.sh $(B)

# make check-pg: only the PostgreSQL checks, in scratch clusters: every
# command-line test on PostgreSQL (tests/run.sh -p, which make check runs
# too, after the SQLite pass), the schema
# against SQLite's (tests/pg-schema-check.sh), two scenarios run on both
# engines giving the same bytes (tests/pg-parity.sh), and crm migrate from
# SQLite to PostgreSQL and back (tests/pg-migrate.sh), the server's
# roles and row-level security against what the tools show each login
# (tests/pg-rls.sh), and eight writers at
# once for PG_STRESS_SECONDS (8) with nothing lost or doubled
# (tests/pg-stress.sh, not in make check: it loads the machine); some
# 6 minutes on two cores (the command-line tests 5 1/2 of them), skipped
# without PostgreSQL.
check-pg:
	@$(MAKE) --no-print-directory -j$(JOBS) all units B=$(B) >/dev/null
	@sh tests/run.sh -p $(B)
	@sh tests/pg-schema-check.sh $(B)
	@sh tests/pg-parity.sh $(B)
	@sh tests/pg-migrate.sh $(B)
	@sh tests/pg-rls.sh $(B)
	@sh tests/pg-stress.sh $(B)

units: $(UNIT_OUT)

test: all units
	@sh tests/run.sh $(B) "" $(MANS)

# make lint: the man pages, then cppcheck's style findings over lib/ and
# cmd/ where cppcheck is installed (none is a failure; without it the step
# is skipped).
CPPCHECK_FLAGS = --enable=style --std=c11 -Ilib --inline-suppr --quiet --error-exitcode=1

lint:
	@sh tests/lint-man.sh $(MANS)
	@if command -v cppcheck >/dev/null 2>&1; then cppcheck $(CPPCHECK_FLAGS) lib cmd; fi

# make fuzz: each libFuzzer target of tests/fuzz/ for FUZZ_SECONDS, built
# with clang into build-fuzz/; fixed crashers go to tests/fuzz/regress/.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS    = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
                -fno-sanitize-recover=undefined -Wno-string-concatenation
FUZZ_NAMES    = $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))

fuzz:
	@sh tests/deps.sh $(DEV_PKGS)
	@$(MAKE) --no-print-directory B=build-fuzz CC=clang \
		CFLAGS='$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link' $(FUZZ_NAMES:%=build-fuzz/fuzz_%) >/dev/null
	@sh tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS) $(FUZZ_NAMES)

$(B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(B)/libcrm.a
	$(CC) $(CPPFLAGS) -DCRM_LIBFUZZER $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(B)/libcrm.a $(LDLIBS)

# make check replays the crashers through the same harnesses, included whole
$(B)/tests/test_fuzz_regress: $(wildcard tests/fuzz/*.[ch])

# make valgrind: a session of every tool under memcheck, no errors or leaks.
valgrind: all
	@sh tests/deps.sh $(DEV_PKGS)
	@sh tests/valgrind.sh $(B)/bin

# make bench: our commands against the sqlite3 shell and minimal C programs
# on generated data (BENCH_N leads, default 200000); see bench/README.md.
BENCH_OUT = $(patsubst bench/%.c,$(B)/bench/%,$(wildcard bench/*.c))

$(B)/bench/%: bench/%.c lib/schema.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< -lsqlite3

bench: all $(BENCH_OUT)
	@CRM_BIN=$(B)/bin BENCH_BIN=$(B)/bench sh bench/run.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(BIN_OUT) $(DESTDIR)$(BINDIR)
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5
	install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	for b in $(BIN); do install -m 644 completions/bash/crm $(DESTDIR)$(BASHCOMPDIR)/$$b; done
	install -m 644 completions/zsh/_crm $(DESTDIR)$(ZSHCOMPDIR)/_crm
	install -m 644 completions/fish/*.fish $(DESTDIR)$(FISHCOMPDIR)

uninstall:
	for b in $(BIN); do rm -f $(DESTDIR)$(BINDIR)/$$b $(DESTDIR)$(BASHCOMPDIR)/$$b $(DESTDIR)$(FISHCOMPDIR)/$$b.fish; done
	rm -f $(MAN1:man/man1/%=$(DESTDIR)$(MANDIR)/man1/%) $(MAN5:man/man5/%=$(DESTDIR)$(MANDIR)/man5/%) \
	      $(MAN7:man/man7/%=$(DESTDIR)$(MANDIR)/man7/%) $(DESTDIR)$(ZSHCOMPDIR)/_crm

clean:
	rm -rf build build-san build-fuzz
