# Shell helpers the bench scripts source (POSIX sh): a Release build of one target, and the
# median wall time of a command. The caller sets SRC, BUILD and RUNS.

# bench_build NAME TARGET LOG [CMAKE_OPTION...]: configure and build TARGET in $BUILD,
# output to LOG; on failure say so and exit.
bench_build() {
	name=$1 target=$2 log=$3
	shift 3
	cmake -B "$BUILD" -S "$SRC" -DCMAKE_BUILD_TYPE=Release -DLD_WERROR=OFF "$@" \
		>"$log" 2>&1 &&
		cmake --build "$BUILD" --target "$target" -j2 >>"$log" 2>&1 ||
		{ echo "$name: build failed, see $log" >&2; exit 1; }
}

# Median wall time of a shell command over RUNS runs (one warm-up run first).
median() {
	sh -c "$1" >/dev/null
	i=0
	while [ $i -lt "$RUNS" ]; do
		s=$(date +%s.%N)
		sh -c "$1" >/dev/null
		e=$(date +%s.%N)
		echo "$e - $s" | bc -l
		i=$((i + 1))
	done | sort -n | awk '{ t[NR] = $1 } END { printf "%.3f", t[int((NR + 1) / 2)] }'
}
