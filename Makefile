# Parta — build, test, run. See README.md.
#   make          build/parta (release)
#   make check    install dependencies, build with ASan+UBSan, run every test suite
#   make demo     install dependencies, build, run the server on a demo organisation (with Janus)
#   make bench    performance figures as "name value unit" lines
#   make soak     the chat-sync differential test at full size (10,000 histories per profile)

CC := gcc
PKGS := libwebsockets jansson sqlite3 libsodium inih libzip libcurl
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
BASE_CFLAGS := -std=c17 -D_GNU_SOURCE $(WARN) -g -MMD -MP
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lev -lpthread
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

SRC := $(sort $(wildcard src/*/*.c))
LIB_SRC := $(filter-out src/cli/main.c,$(SRC))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))

REL_OBJ := $(SRC:%.c=build/rel/%.o)
REL_LIB_OBJ := $(LIB_SRC:%.c=build/rel/%.o)
SAN_OBJ := $(SRC:%.c=build/san/%.o)
SAN_LIB_OBJ := $(LIB_SRC:%.c=build/san/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/san/tests/%)

.PHONY: all check deps demo bench soak clean build-san unit e2e browser
all: build/parta

# V=1 shows the full commands.
Q := $(if $(V),,@)

build/parta: $(REL_OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(PKG_LIBS)

# Benchmark drivers: release objects of everything but main.
build/bench-%: bench/%.c $(REL_LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_CFLAGS) -O2 $(PKG_CFLAGS) -Isrc -o $@ $^ $(PKG_LIBS)

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(BASE_CFLAGS) -O2 $(PKG_CFLAGS) -c -o $@ $<

build/san/parta: $(SAN_OBJ)
	@echo "  LD      $@ (ASan+UBSan)"
	$(Q)$(CC) $(SAN) -o $@ $^ $(PKG_LIBS)

build/san/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (ASan+UBSan)"
	$(Q)$(CC) $(BASE_CFLAGS) -O1 $(SAN) $(PKG_CFLAGS) -c -o $@ $<

build/san/tests/%: tests/unit/%.c $(SAN_LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(BASE_CFLAGS) -O1 $(SAN) $(PKG_CFLAGS) -Isrc -o $@ $^ $(PKG_LIBS) -lcmocka

build-san: build/san/parta $(UNIT_BIN)

deps:
	@scripts/deps.sh

# Dependencies are installed first; the build then runs in a fresh make so that pkg-config
# sees the freshly installed packages.
check: deps
	@$(MAKE) --no-print-directory build-san build/parta
	@scripts/check.sh

# The demo's Janus (scripts/janus.sh, in var/janus) runs as long as the demo server does.
demo: deps
	@$(MAKE) --no-print-directory build/parta
	@scripts/janus.sh start var/janus >/dev/null
	@trap 'scripts/janus.sh stop var/janus' EXIT INT TERM; set -a; . var/janus/media.env; set +a; \
		build/parta demo

bench: deps
	@$(MAKE) --no-print-directory build/parta build/bench-sync build/bench-msgload build/bench-journal build/bench-wsstorm
	@bench/run.sh

# The differential chat-sync test at its full size (10,000 random histories per profile).
soak: deps
	@$(MAKE) --no-print-directory build/san/tests/test_chatrule
	PARTA_SOAK_SEQUENCES=10000 build/san/tests/test_chatrule

clean:
	rm -rf build

-include $(REL_OBJ:.o=.d) $(SAN_OBJ:.o=.d)
