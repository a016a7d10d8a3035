#!/bin/bash
# Malformed input through the real CLI: every case must exit with the documented
# code (1 = bad data, 2 = bad arguments), never crash, and print a message that
# names the file and the line / field / value that is wrong (an exact substring).
# Text fixtures live in tests/data/bad/; binary IDX fixtures are generated here
# into the scratch dir (MNIST directories built from the bundled sample with one
# file replaced).
# usage: bash cli_errors.sh <mixscope> <source dir> <scratch dir>
set -u
BIN=$1
SRC=$2
OUT=$3
BAD=$SRC/tests/data/bad
SAMPLE=$SRC/assets/mnist-sample
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
mkdir -p "$OUT"
cd "$OUT" || exit 1
fail=0
n=0

# expect RC SUBSTRING DESCRIPTION -- COMMAND...
# Runs COMMAND; passes when it exits with RC (not a signal) and its stderr
# contains SUBSTRING (fixed string).
expect() {
  local want=$1 sub=$2 what=$3
  shift 4
  local rc
  "$@" >out.txt 2>err.txt
  rc=$?
  n=$((n + 1))
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL $what: exit $rc, expected $want ($*)"
    sed 's/^/     /' err.txt | head -5
    fail=1
  elif ! grep -qF -- "$sub" err.txt; then
    echo "FAIL $what: message lacks '$sub' ($*)"
    sed 's/^/     /' err.txt | head -5
    fail=1
  else
    echo "ok   $what: $(head -c 160 err.txt | head -1)"
  fi
}

# ---- IDX files (via theta / nb / bmm / pca --mnist DIR) ---------------------
FILES="train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte"
# mkdir_mnist CASE FILE: idx/CASE with the sample's files linked, except FILE
# (a base name without .gz), which the caller then writes.
mkdir_mnist() {
  rm -rf "idx/$1"
  mkdir -p "idx/$1"
  local f
  for f in $FILES; do
    [ "$f" = "$2" ] || ln -s "$SAMPLE/$f.gz" "idx/$1/$f.gz"
  done
}
T10KL=t10k-labels-idx1-ubyte
T10KI=t10k-images-idx3-ubyte

mkdir_mnist trunc $T10KL
gzip -dc "$SAMPLE/$T10KL.gz" | head -c 500 >"idx/trunc/$T10KL"
expect 1 "idx/trunc/$T10KL: truncated: header says 1000 = 1000 data bytes but the file has 492" \
  "IDX truncated data" -- "$BIN" theta --mnist idx/trunc

mkdir_mnist hdr $T10KI
printf '\000\000\010\003\000\000\003' >"idx/hdr/$T10KI"
expect 1 "idx/hdr/$T10KI: truncated header: expected 16 bytes for 3 dimensions, got 7" \
  "IDX truncated header" -- "$BIN" theta --mnist idx/hdr

mkdir_mnist magic $T10KL
printf '\001\002\010\001\000\000\000\001\005' >"idx/magic/$T10KL"
expect 1 "idx/magic/$T10KL: bad magic: first two bytes are 0x01 0x02" \
  "IDX wrong magic" -- "$BIN" theta --mnist idx/magic

mkdir_mnist gzmagic $T10KL
printf '\001\002\010\001\000\000\000\001\005' | gzip -c >"idx/gzmagic/$T10KL.gz"
expect 1 "idx/gzmagic/$T10KL.gz: bad magic: first two bytes are 0x01 0x02" \
  "IDX wrong magic inside .gz" -- "$BIN" nb --mnist idx/gzmagic

mkdir_mnist type $T10KL
printf '\000\000\015\001\000\000\000\001\005' >"idx/type/$T10KL"
expect 1 "idx/type/$T10KL: type byte is 0x0d (float); only 0x08 (unsigned byte) is supported" \
  "IDX wrong data type" -- "$BIN" theta --mnist idx/type

mkdir_mnist ovf $T10KI
printf '\000\000\010\004\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377' >"idx/ovf/$T10KI"
expect 1 "idx/ovf/$T10KI: dimensions 4294967295x4294967295x4294967295x4294967295 overflow the size type" \
  "IDX dimension product overflows" -- "$BIN" theta --mnist idx/ovf

mkdir_mnist huge $T10KI
printf '\000\000\010\003\000\001\000\000\000\001\000\000\000\001\000\000' >"idx/huge/$T10KI"
expect 1 "idx/huge/$T10KI: dimensions 65536x65536x65536 need 281474976710656 bytes; the limit is 1073741824 (1 GiB)" \
  "IDX dimensions above the size limit" -- "$BIN" theta --mnist idx/huge

mkdir_mnist exceed $T10KI
printf '\000\000\010\003\000\000\003\350\000\000\000\034\000\000\000\034abc' >"idx/exceed/$T10KI"
expect 1 "idx/exceed/$T10KI: truncated: header says 1000x28x28 = 784000 data bytes but the file has 3" \
  "IDX header exceeds the file" -- "$BIN" theta --mnist idx/exceed

mkdir_mnist gzexceed $T10KI
printf '\000\000\010\003\000\000\003\350\000\000\000\034\000\000\000\034abc' | gzip -c >"idx/gzexceed/$T10KI.gz"
expect 1 "idx/gzexceed/$T10KI.gz: truncated: header says 1000x28x28 = 784000 data bytes but the decompressed stream has 3" \
  "IDX .gz header exceeds the stream" -- "$BIN" theta --mnist idx/gzexceed

mkdir_mnist zero $T10KI
printf '\000\000\010\003\000\000\000\000\000\000\000\034\000\000\000\034' >"idx/zero/$T10KI"
expect 1 "idx/zero/$T10KI: dimension 0 of 0x28x28 is zero" \
  "IDX zero dimension" -- "$BIN" theta --mnist idx/zero

mkdir_mnist trail $T10KL
{ gzip -dc "$SAMPLE/$T10KL.gz"; printf 'xyz'; } >"idx/trail/$T10KL"
expect 1 "idx/trail/$T10KL: 3 trailing bytes" "IDX trailing bytes" -- "$BIN" theta --mnist idx/trail

mkdir_mnist count $T10KL
{ printf '\000\000\010\001\000\000\000\012'; printf '\001\002\003\004\005\006\007\010\011\000'; } >"idx/count/$T10KL"
expect 1 "idx/count/$T10KI.gz has 1000 images but idx/count/$T10KL has 10 labels" \
  "IDX image/label count mismatch" -- "$BIN" theta --mnist idx/count

mkdir_mnist label $T10KL
gzip -dc "$SAMPLE/$T10KL.gz" >"idx/label/$T10KL"
printf '\014' | dd of="idx/label/$T10KL" bs=1 seek=20 conv=notrunc 2>/dev/null
expect 1 "idx/label/$T10KL: label 12 at index 12 is not a digit 0..9" \
  "IDX label that is not a digit" -- "$BIN" bmm --mnist idx/label --k 2 --iters 1 --n 100

mkdir_mnist dims2 $T10KI
printf '\000\000\010\002\000\000\000\002\000\000\000\002abcd' >"idx/dims2/$T10KI"
expect 1 "idx/dims2/$T10KI: an image file must be 3-D (count, rows, cols) but this one is 2-D" \
  "IDX images with 2 dimensions" -- "$BIN" theta --mnist idx/dims2

mkdir_mnist empty $T10KL
: >"idx/empty/$T10KL"
expect 1 "idx/empty/$T10KL: file is empty (0 bytes)" "IDX empty file" -- "$BIN" theta --mnist idx/empty

mkdir_mnist gzempty $T10KL
: | gzip -c >"idx/gzempty/$T10KL.gz"
expect 1 "idx/gzempty/$T10KL.gz: gzip stream decompresses to 0 bytes" \
  "IDX .gz of nothing" -- "$BIN" theta --mnist idx/gzempty

mkdir_mnist gz $T10KL
head -c 300 "$SAMPLE/$T10KL.gz" >"idx/gz/$T10KL.gz"
expect 1 "idx/gz/$T10KL.gz: corrupt gzip stream" "IDX corrupt .gz (cut short)" -- "$BIN" theta --mnist idx/gz

mkdir_mnist gzbits $T10KL
gzip -dc "$SAMPLE/$T10KL.gz" | gzip -c >"idx/gzbits/$T10KL.gz"
# flip bytes in the middle of the deflate data
printf '\377\377\377\377\377\377\377\377' | dd of="idx/gzbits/$T10KL.gz" bs=1 seek=40 conv=notrunc 2>/dev/null
expect 1 "idx/gzbits/$T10KL.gz: corrupt gzip stream" "IDX corrupt .gz (damaged bytes)" -- "$BIN" theta --mnist idx/gzbits

mkdir_mnist missing train-images-idx3-ubyte
expect 1 "--mnist idx/missing: missing train-images-idx3-ubyte (or train-images-idx3-ubyte.gz)" \
  "MNIST directory without a file" -- "$BIN" theta --mnist idx/missing
expect 1 "idx/trunc/$T10KL: truncated" "pca reports the IDX error" -- \
  "$BIN" pca --mnist idx/trunc --test --out pca.csv
[ ! -e pca.csv ]; r=$?
n=$((n + 1)); if [ $r -eq 0 ]; then echo "ok   pca wrote no output on error"; else echo "FAIL pca left pca.csv"; fail=1; fi

# ---- points CSV (gmm --data) -------------------------------------------------
expect 1 "csv_nonnum.csv:4: field 2 ('abc') is not a number" "CSV non-numeric field" -- \
  "$BIN" gmm --data "$BAD/csv_nonnum.csv" --k 2
expect 1 "csv_nan.csv:3: field 1 ('nan') is not a finite number" "CSV NaN value" -- \
  "$BIN" gmm --data "$BAD/csv_nan.csv" --k 2
expect 1 "csv_inf.csv:3: field 2 ('-inf') is not a finite number" "CSV infinite value" -- \
  "$BIN" gmm --data "$BAD/csv_inf.csv" --k 2
expect 1 "csv_overflow.csv:3: field 2 ('1e400') is not a finite number" "CSV value overflowing a double" -- \
  "$BIN" gmm --data "$BAD/csv_overflow.csv" --k 2
expect 1 "csv_ragged.csv:3: 3 fields, expected 2 (as on line 1)" "CSV ragged row" -- \
  "$BIN" gmm --data "$BAD/csv_ragged.csv" --k 2
expect 1 "csv_empty.csv: empty file" "CSV empty file" -- "$BIN" gmm --data "$BAD/csv_empty.csv" --k 2
expect 1 "csv_header_only.csv: no data rows after the header" "CSV header only" -- \
  "$BIN" gmm --data "$BAD/csv_header_only.csv" --k 2
expect 1 "csv_label_range.csv:5: label 7 out of range 0..1 (K = 2" "CSV label out of range names the line" -- \
  "$BIN" gmm --data "$BAD/csv_label_range.csv" --k 2
expect 1 "csv_label_float.csv:3: label '1.5' is not an integer" "CSV label not an integer" -- \
  "$BIN" gmm --data "$BAD/csv_label_float.csv" --k 2
expect 1 "csv_empty_field.csv:2: field 2 is empty" "CSV empty field" -- \
  "$BIN" gmm --data "$BAD/csv_empty_field.csv" --k 2
expect 1 "csv_one_column.csv:1: 1 field, expected at least 2" "CSV single column" -- \
  "$BIN" gmm --data "$BAD/csv_one_column.csv" --k 2
expect 1 "csv_nul.csv:3: contains a NUL byte" "CSV with a NUL byte" -- \
  "$BIN" gmm --data "$BAD/csv_nul.csv" --k 2
expect 1 "csv_too_many_columns.csv:1: more than 65 columns" "CSV with 70 columns" -- \
  "$BIN" gmm --data "$BAD/csv_too_many_columns.csv" --k 2
expect 1 "no-such-file.csv: No such file or directory" "CSV missing file" -- \
  "$BIN" gmm --data no-such-file.csv --k 2
expect 1 "moe_nonnum.csv:3: field 2 (t) 'abc' is not a finite number" "moe CSV non-numeric" -- \
  "$BIN" moe --data "$BAD/moe_nonnum.csv" --iters 2
expect 1 "moe_ragged.csv:3: expected 2 comma-separated fields (x,t), found 1" "moe CSV ragged" -- \
  "$BIN" moe --data "$BAD/moe_ragged.csv" --iters 2
expect 1 "moe_inf.csv:2: field 2 (t) 'inf' is not a finite number" "moe CSV infinite" -- \
  "$BIN" moe --data "$BAD/moe_inf.csv" --iters 2

# ---- GMM init JSON (gmm --init FILE) ------------------------------------------
P="$BAD/points_ok.csv"
expect 1 "init_malformed.json:3:2: invalid JSON" "init JSON malformed (line:col)" -- \
  "$BIN" gmm --data "$P" --init "$BAD/init_malformed.json"
expect 1 "init_mean_shape.json: means[1] has 3 entries, expected 2" "init JSON wrong mean shape" -- \
  "$BIN" gmm --data "$P" --init "$BAD/init_mean_shape.json"
expect 1 "init_cov_shape.json: covariances[1] has 3 rows, expected 2" "init JSON wrong covariance shape" -- \
  "$BIN" gmm --data "$P" --init "$BAD/init_cov_shape.json"
expect 1 "init_cov_count.json: covariances has 1 entries but weights has 2" "init JSON covariance count" -- \
  "$BIN" gmm --data "$P" --init "$BAD/init_cov_count.json"
expect 1 "init_not_pd.json: covariances[1] is not positive definite" "init JSON non-PD covariance" -- \
  "$BIN" gmm --data "$P" --init "$BAD/init_not_pd.json"
expect 1 "init_not_symmetric.json: covariances[1] is not symmetric ([0][1] = 0.5 but [1][0] = 0.4)" \
  "init JSON asymmetric covariance" -- "$BIN" gmm --data "$P" --init "$BAD/init_not_symmetric.json"
expect 1 "init_weights_sum.json: weights sum to 1.1, not 1" "init JSON weights not summing to 1" -- \
  "$BIN" gmm --data "$P" --init "$BAD/init_weights_sum.json"
expect 1 "init_weight_negative.json: weights[1] = -0.5 is negative" "init JSON negative weight" -- \
  "$BIN" gmm --data "$P" --init "$BAD/init_weight_negative.json"
expect 1 "init_string_entry.json: means[0][1] is not a number" "init JSON string entry" -- \
  "$BIN" gmm --data "$P" --init "$BAD/init_string_entry.json"
expect 1 "init_missing_field.json: missing field \"covariances\"" "init JSON missing field" -- \
  "$BIN" gmm --data "$P" --init "$BAD/init_missing_field.json"
expect 1 "init_dim3.json has means of dimension 3 but $P has 2 coordinates" "init JSON dimension vs data" -- \
  "$BIN" gmm --data "$P" --init "$BAD/init_dim3.json"
expect 1 "init_not_object.json: expected a JSON object" "init JSON not an object" -- \
  "$BIN" gmm --data "$P" --init "$BAD/init_not_object.json"
expect 1 "init_empty.json: empty file" "init JSON empty file" -- \
  "$BIN" gmm --data "$P" --init "$BAD/init_empty.json"
expect 1 "gmm_init3.json has 3 components but --k is 2" "init JSON K vs --k" -- \
  "$BIN" gmm --data "$P" --init "$SRC/tests/data/gmm_init3.json" --k 2

# ---- scenes (export --scene; shot --view V --scene) ---------------------------
scene() { # FILE SUBSTRING DESCRIPTION
  expect 1 "$2" "$3" -- "$BIN" export --scene "$BAD/$1" --iters 1 --out "frames-$1" --size 320x240
  [ ! -e "frames-$1" ] || { echo "FAIL $3: export left frames-$1 behind"; fail=1; }
}
scene scene_malformed.json "scene_malformed.json:3: malformed JSON" "scene malformed JSON"
scene scene_unknown_view.json "scene_unknown_view.json: field \"view\": unknown view 'nosuch'" "scene unknown view"
scene scene_view_type.json "scene_view_type.json: field \"view\" must be a string" "scene view not a string"
scene scene_version.json "scene_version.json: field \"mixscope_scene\" must be 1" "scene wrong version"
scene scene_state_type.json "scene_state_type.json: field \"state\" must be an object" "scene state not an object"
scene scene_gmm_k_type.json "scene_gmm_k_type.json: field \"state.k\" must be an integer" \
  "scene gmm k of the wrong type"
scene scene_theta_prior_type.json "scene_theta_prior_type.json: field \"state.prior\" must be a number" \
  "scene theta prior of the wrong type"
scene scene_digits_split_type.json "scene_digits_split_type.json: field \"state.split\" must be" \
  "scene digits split of the wrong type"
scene scene_bmm_k_range.json "scene_bmm_k_range.json: field \"state.k\" must be an integer in" \
  "scene bmm k out of range"
scene scene_moe_degree.json "scene_moe_degree.json: field \"state.degree\" must be an integer" \
  "scene moe degree not an integer"
scene scene_not_object.json "scene_not_object.json: a scene must be a JSON object" "scene not an object"
scene scene_empty.json "scene_empty.json: empty file" "scene empty file"
expect 1 "no-such-scene.json: No such file or directory" "scene missing file" -- \
  "$BIN" export --scene no-such-scene.json --iters 1 --out x.gif
expect 1 "scene_theta_prior_type.json: field \"state.prior\"" "shot --scene with a bad scene" -- \
  "$BIN" shot --view theta --scene "$BAD/scene_theta_prior_type.json" --out shot.png --size 320x240
[ ! -e shot.png ]; r=$?
n=$((n + 1)); if [ $r -eq 0 ]; then echo "ok   shot wrote no PNG on error"; else echo "FAIL shot left shot.png"; fail=1; fi
expect 1 "scene_unknown_view.json: field \"view\": unknown view 'nosuch'" "shot --scene (view from the scene), unknown view" -- \
  "$BIN" shot --scene "$BAD/scene_unknown_view.json" --out shot.png --size 320x240
expect 1 "scene_empty.json: empty file" "shot --scene with an empty scene" -- \
  "$BIN" shot --scene "$BAD/scene_empty.json" --out shot.png --size 320x240
[ ! -e shot.png ]; r=$?
n=$((n + 1)); if [ $r -eq 0 ]; then echo "ok   shot wrote no PNG on error"; else echo "FAIL shot left shot.png"; fail=1; fi

# ---- bad command-line arguments: exit 2 ----------------------------------------
expect 2 "unknown command 'nosuch'" "unknown command" -- "$BIN" nosuch
expect 2 "--data FILE.csv is required" "gmm without --data" -- "$BIN" gmm
expect 2 "--k: 0 is out of range [1, 64]" "gmm --k 0" -- "$BIN" gmm --data "$P" --k 0
expect 2 "--k: 'abc' is not an integer" "gmm --k abc" -- "$BIN" gmm --data "$P" --k abc
expect 2 "--iters: -1 is out of range" "gmm --iters -1" -- "$BIN" gmm --data "$P" --k 2 --iters -1
expect 2 "--reg: 'inf' is not a finite number" "gmm --reg inf" -- "$BIN" gmm --data "$P" --k 2 --reg inf
expect 2 "unknown option '--bogus'" "gmm unknown option" -- "$BIN" gmm --data "$P" --k 2 --bogus
expect 2 "unexpected argument 'extra'" "gmm stray argument" -- "$BIN" gmm --data "$P" --k 2 extra
expect 2 "--init must be kmeans++, random" "gmm --init unknown" -- \
  "$BIN" gmm --data "$P" --k 2 --init nosuchmethod
grep -qF "not 'nosuchmethod'" err.txt || { echo "FAIL gmm --init unknown: value not named"; fail=1; }
expect 2 "--alpha: -1 is out of range" "theta --alpha -1" -- "$BIN" theta --alpha -1
expect 2 "--threshold: 2 is out of range [0, 1]" "theta --threshold 2" -- "$BIN" theta --threshold 2
expect 2 "--alpha: 'nan' is not a finite number" "nb --alpha nan" -- "$BIN" nb --alpha nan
expect 2 "--k: 1000 is out of range [1, 500]" "bmm --k 1000" -- "$BIN" bmm --k 1000
expect 2 "--k: 9 is out of range [1, 8]" "moe --k 9" -- "$BIN" moe --k 9
expect 2 "--prior-var: a variance must be positive, got 0" "posterior --prior-var 0" -- \
  "$BIN" posterior --prior-var 0
expect 2 "--data: value 2 is empty (in '1,,2')" "posterior --data with an empty value" -- \
  "$BIN" posterior --data 1,,2
expect 2 "--data: value 2 ('x') is not a finite number" "posterior --data with a word" -- \
  "$BIN" posterior --data 1,x
expect 2 "--out FILE.csv is required" "pca without --out" -- "$BIN" pca
expect 2 "--digits: '1,12' is not a comma-separated list of digits 0-9" "pca --digits 1,12" -- \
  "$BIN" pca --out x.csv --digits 1,12
expect 2 "unknown view 'nosuch'" "shot --view nosuch" -- "$BIN" shot --view nosuch --out x.png
expect 2 "--size: '10x10' is not WIDTHxHEIGHT" "shot --size 10x10" -- \
  "$BIN" shot --view theta --out x.png --size 10x10
expect 2 "--iters: 0 is out of range [1, 10000]" "export --iters 0" -- \
  "$BIN" export --scene "$BAD/scene_unknown_view.json" --iters 0 --out x.gif

# nothing half-written anywhere
ls ./*.tmp.* "$BAD"/*.tmp.* >/dev/null 2>&1; [ $? -ne 0 ]; r=$?
n=$((n + 1)); if [ $r -eq 0 ]; then echo "ok   no temporary files left"; else echo "FAIL temporary files left"; fail=1; fi

echo "$n checks"
exit $fail
