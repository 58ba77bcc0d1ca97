# SPDX-License-Identifier: MIT
# onnxfix: one Makefile, no recursion.  Generated sources (protobuf-c code
# from proto/onnx.proto, operator tables from src/opdb/*.tsv) are build
# output under build/.
#
#   make                 the onnxfix binary and build/libonnxfix.a
#   make check           every test (unit, golden, CLI, corpus, man lint)
#   make install         PREFIX=/usr/local DESTDIR=
#   make SANITIZE=address,undefined check
#   make VALGRIND=1 check
#   make WERROR=1

VERSION = 0.1.0
PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
LIBDIR = $(PREFIX)/lib
INCDIR = $(PREFIX)/include/onnxfix
MANDIR = $(PREFIX)/share/man
PKGDIR = $(LIBDIR)/pkgconfig

CC ?= cc
AWK ?= awk
PROTOC_C ?= protoc-c
PKG_CONFIG ?= pkg-config
PKGS = libprotobuf-c libcgraph libgvc jansson libxxhash

WARN = -Wall -Wextra -Wpedantic -Wstrict-prototypes -Wmissing-prototypes \
	-Wshadow -Wvla -Wformat=2
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) \
	-Isrc -I. -Ibuild $(shell $(PKG_CONFIG) --cflags $(PKGS)) \
	-DONNXFIX_VERSION='"$(VERSION)"' $(GV_DEF)
# Graphviz is loaded with dlopen when a picture is first drawn
# (src/view/gv.c), under the name its libgvc.so gives itself: the
# program is not linked with it (only the tests that read DOT back are).
GV_PKGS = libcgraph libgvc
GV_SONAME := $(shell readelf -d "$$($(PKG_CONFIG) --variable=libdir \
	libgvc)/libgvc.so" 2>/dev/null | \
	sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
LIB_PKGS = $(filter-out $(GV_PKGS),$(PKGS))
LIBS = $(shell $(PKG_CONFIG) --libs $(LIB_PKGS)) -lm
GV_LIBS = $(shell $(PKG_CONFIG) --libs $(GV_PKGS))
GV_DEF = $(if $(GV_SONAME),-DGV_SONAME='"$(GV_SONAME)"')
ifdef WERROR
ALL_CFLAGS += -Werror
endif
ifdef SANITIZE
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
endif

GEN_C = build/onnx.pb-c.c build/opdb_tables.c build/explain_table.c
GEN_H = build/onnx.pb-c.h
# The installed headers: the API and what it includes, in the same
# folders as in src/ (a program includes <onnxfix/onnxfix.h>).
PUBLIC_H = onnxfix.h targets.def diag/diag.h diag/diag.def diag/report.h \
	ir/ir.h base/arena.h \
	base/budget.h base/hmap.h
HDRS = $(wildcard src/*.h src/*.def src/*/*.h src/*/*.def passes/*.h \
	passes/*.def)
# The command line: main.c and batch.c (workers, progress) print; the
# library never does.
CLI_REST = $(filter-out src/cli/main.c,$(wildcard src/cli/*.c))
CLI_OBJ = build/src/cli/main.o $(patsubst %.c,build/%.o,$(CLI_REST))
FUZZ_CLI_OBJ = $(patsubst %.c,build/fuzz/obj/%.o,$(CLI_REST))
LIB_SRC = $(filter-out src/cli/%,$(wildcard src/*/*.c)) \
	$(wildcard passes/*.c)
LIB_OBJ = $(patsubst %.c,build/%.o,$(LIB_SRC)) \
	build/onnx.pb-c.o build/opdb_tables.o build/explain_table.o
TEST_SRC = $(wildcard tests/test_*.c)
TEST_BIN = $(patsubst tests/%.c,build/tests/%,$(TEST_SRC))

all: onnxfix build/libonnxfix.a build/onnxfix.pc

# Install missing Debian packages (as root), or print the command to.
setup:
	sh tools/setup.sh --test

# The main job on a bundled model: check, fix, draw.
DEMO = testdata/corpus/nhwc_transposes.onnx
demo: all
	./onnxfix info $(DEMO)
	./onnxfix check $(DEMO)
	./onnxfix fix -o build/demo-fixed.onnx --dot build/demo-fixed.dot $(DEMO)
	./onnxfix dot -T svg -o build/demo.svg $(DEMO)
	@echo "wrote build/demo-fixed.onnx, build/demo-fixed.dot, build/demo.svg"

build/onnx.pb-c.c build/onnx.pb-c.h: proto/onnx.proto
	@mkdir -p build
	$(PROTOC_C) --proto_path=proto --c_out=build proto/onnx.proto

build/opdb_tables.c: src/opdb/opdbgen.awk $(wildcard src/opdb/*.tsv)
	@mkdir -p build
	LC_ALL=C $(AWK) -f src/opdb/opdbgen.awk src/opdb/opsets.tsv \
		src/opdb/schemas.tsv \
		src/opdb/schemas-ort-contrib.tsv src/opdb/attributes.tsv \
		src/opdb/io.tsv src/opdb/type-constraints.tsv \
		$(sort $(wildcard src/opdb/runtime-ort-*.tsv)) \
		src/opdb/runtime-tensorrt.tsv \
		src/opdb/runtime-onnx2tf.tsv > $@.tmp && mv $@.tmp $@

build/onnx.pb-c.o: build/onnx.pb-c.c build/onnx.pb-c.h
	$(CC) $(ALL_CFLAGS) -w -c -o $@ $<

build/explain_table.c: src/diag/explaingen.awk man/onnxfix.1
	@mkdir -p build
	$(AWK) -f src/diag/explaingen.awk man/onnxfix.1 > $@.tmp && mv $@.tmp $@

build/explain_table.o: build/explain_table.c src/diag/diag.h
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# the string pool is one literal, longer than C99 asks compilers to take
build/opdb_tables.o: build/opdb_tables.c src/opdb/opdb.h
	$(CC) $(ALL_CFLAGS) -Wno-overlength-strings -c -o $@ $<

build/%.o: %.c $(GEN_H) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/libonnxfix.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

onnxfix: $(CLI_OBJ) build/libonnxfix.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) build/libonnxfix.a $(LIBS)

# The pkg-config file names the PREFIX of the install that writes it,
# so it is written by make install, never kept from an earlier build.
PC_TEXT = 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' \
	'includedir=$${prefix}/include' '' 'Name: onnxfix' \
	'Description: inspect and repair ONNX models' \
	'Version: $(VERSION)' 'Requires.private: $(LIB_PKGS)' \
	'Libs: -L$${libdir} -lonnxfix' 'Libs.private: -lm' \
	'Cflags: -I$${includedir} -I$${includedir}/onnxfix'
build/onnxfix.pc: FORCE
	@mkdir -p build
	@printf '%s\n' $(PC_TEXT) > $@.tmp
	@cmp -s $@.tmp $@ 2>/dev/null && rm -f $@.tmp || mv $@.tmp $@

FORCE:

# tests/cli.sh: LD_PRELOAD'd to kill a -j worker on one model.
build/tests/die_on_open.so: tests/shim/die_on_open.c
	@mkdir -p build/tests
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -Werror -shared -fPIC -o $@ $< -ldl

# tests/cli.sh: LD_PRELOAD'd to cut every write short, and to hide
# Graphviz.
build/tests/short_io.so build/tests/no_graphviz.so: build/tests/%.so: \
    tests/shim/%.c
	@mkdir -p build/tests
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -Werror -shared -fPIC -o $@ $< -ldl

build/tests/%: tests/%.c tests/builder.h build/libonnxfix.a
	@mkdir -p build/tests
	$(CC) $(ALL_CFLAGS) -Itests $(shell $(PKG_CONFIG) --cflags cmocka) \
		$(LDFLAGS) -o $@ $< build/libonnxfix.a \
		$(shell $(PKG_CONFIG) --libs cmocka) $(LIBS) $(GV_LIBS)

ifdef VALGRIND
RUNNER = valgrind -q --error-exitcode=99 --leak-check=full \
	--suppressions=testdata/dot/valgrind.supp
endif

# Fuzzing (tests/fuzz, doc/safety.md "Fuzzing").  The replay drivers are built
# with $(CC) and run over testdata/fuzz/TARGET/ by make check; the
# libFuzzer binaries need clang (make fuzz) and run for CI_FUZZ_SECONDS
# per loader target and for struct, the structure-aware one (make
# fuzz-run); make check, when clang is present, runs those three for a
# fixed number of executions from a fixed seed (CI_FUZZ_SECONDS=0 skips
# it).  The replay drivers are libFuzzer-free: the struct one also runs
# its mutator (FUZZ_STRUCT_MUTATE=N, tests/fuzz/fuzz_struct.c).
FUZZ_TARGETS = prescan load passes dot external cli struct
FUZZ_REPLAY = $(patsubst %,build/fuzz/replay_%,$(FUZZ_TARGETS))
FUZZ_BIN = $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_TARGETS))
CLANG ?= clang
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
	$(FUZZ_SAN) -Isrc -I. -Ibuild -Itests/fuzz \
	$(shell $(PKG_CONFIG) --cflags $(PKGS)) -DONNXFIX_VERSION='"$(VERSION)"' $(GV_DEF)
FUZZ_LIB_OBJ = $(patsubst %.c,build/fuzz/obj/%.o,$(LIB_SRC)) \
	build/fuzz/obj/onnx.pb-c.o build/fuzz/obj/opdb_tables.o \
	build/fuzz/obj/explain_table.o
CI_FUZZ_SECONDS ?= 60

build/fuzz/cli_main.o: src/cli/main.c $(GEN_H) $(HDRS)
	@mkdir -p build/fuzz
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -Dmain=onnxfix_cli_main \
		-c -o $@ $<

build/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c \
    tests/fuzz/fuzz.h build/libonnxfix.a build/fuzz/cli_main.o \
    $(patsubst %.c,build/%.o,$(CLI_REST))
	$(CC) $(ALL_CFLAGS) -Itests/fuzz $(LDFLAGS) -o $@ $< \
		tests/fuzz/replay.c \
		$(if $(filter cli,$*),build/fuzz/cli_main.o \
		$(patsubst %.c,build/%.o,$(CLI_REST))) \
		build/libonnxfix.a $(LIBS)

build/fuzz/obj/%.o: %.c $(GEN_H) $(HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/obj/%.o: build/%.c $(GEN_H)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -w -c -o $@ $<

build/fuzz/obj/cli_main.o: src/cli/main.c $(GEN_H) $(HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
		-Dmain=onnxfix_cli_main -c -o $@ $<

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_LIB_OBJ) \
    build/fuzz/obj/cli_main.o $(FUZZ_CLI_OBJ)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		$(if $(filter cli,$*),build/fuzz/obj/cli_main.o \
		$(FUZZ_CLI_OBJ)) \
		$(FUZZ_LIB_OBJ) $(LIBS)

# The regression models (tests/regress): the whole program built with
# AddressSanitizer and UndefinedBehaviorSanitizer (gcc's runtimes come
# with gcc on Debian), so that a model that corrupts memory fails the
# test even where the plain build happens to survive it.
ASAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
ASAN_OBJ = $(patsubst %.c,build/asan/%.o,$(LIB_SRC) $(wildcard src/cli/*.c)) \
	build/asan/onnx.pb-c.o build/asan/opdb_tables.o \
	build/asan/explain_table.o

build/asan/%.o: %.c $(GEN_H) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O1 $(ASAN_FLAGS) -c -o $@ $<

build/asan/%.o: build/%.c $(GEN_H)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O1 $(ASAN_FLAGS) -w -c -o $@ $<

build/asan/onnxfix: $(ASAN_OBJ)
	$(CC) $(ASAN_FLAGS) -o $@ $(ASAN_OBJ) $(LIBS)

fuzz: $(FUZZ_BIN)

.SECONDARY: $(FUZZ_LIB_OBJ) build/fuzz/obj/cli_main.o build/fuzz/cli_main.o \
	$(FUZZ_CLI_OBJ)

fuzz-run: fuzz
	sh tests/fuzz/run.sh $(CI_FUZZ_SECONDS)

# LeakSanitizer: Graphviz's and the font stack's own leaks are not ours.
check: all $(TEST_BIN) $(FUZZ_REPLAY) build/tests/die_on_open.so \
    build/tests/short_io.so build/tests/no_graphviz.so build/asan/onnxfix
	LSAN_OPTIONS="suppressions=$(CURDIR)/testdata/dot/lsan.supp:print_suppressions=0" \
	ONNXFIX_RUNNER="$(RUNNER)" CI_FUZZ_SECONDS="$(CI_FUZZ_SECONDS)" \
		sh tests/run-all.sh $(TEST_BIN)

# Benchmarks (bench/run.sh): onnxfix against the onnx package and ONNX
# Runtime; bench-large adds the 1.48 GB and 3.2 GB models (4.6 GB of
# disk while it runs).  Never part of make check.
bench bench-large: all
	@if [ "$$(id -u)" -eq 0 ]; then \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    python3-onnx python3-numpy time >/dev/null; fi
	sh bench/run.sh $(if $(filter bench-large,$@),--large)

golden-update: all
	sh tests/run-golden.sh --update

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(PKGDIR)
	install -m 755 onnxfix $(DESTDIR)$(BINDIR)/onnxfix
	install -m 644 build/libonnxfix.a $(DESTDIR)$(LIBDIR)/libonnxfix.a
	for h in $(PUBLIC_H); do \
		install -d $(DESTDIR)$(INCDIR)/$$(dirname $$h) && \
		install -m 644 src/$$h $(DESTDIR)$(INCDIR)/$$h || exit 1; \
	done
	install -m 644 man/onnxfix.1 $(DESTDIR)$(MANDIR)/man1/onnxfix.1
	install -m 644 build/onnxfix.pc $(DESTDIR)$(PKGDIR)/onnxfix.pc

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/onnxfix $(DESTDIR)$(LIBDIR)/libonnxfix.a \
		$(DESTDIR)$(MANDIR)/man1/onnxfix.1 $(DESTDIR)$(PKGDIR)/onnxfix.pc
	rm -rf $(DESTDIR)$(INCDIR)

clean:
	rm -rf build onnxfix

.PHONY: all setup demo bench bench-large check golden-update install \
	uninstall clean fuzz fuzz-run FORCE
.DELETE_ON_ERROR:
