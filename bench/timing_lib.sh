# Timing helpers for the bench scripts, sourced after the script defines
# run() (psql with its connection options).

# seconds DB SQL: wall time of one statement, in seconds.
seconds() {
  local start end
  start=$(date +%s.%N)
  run -d "$1" -c "$2" >/dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

# The median of the numbers on stdin (separated by spaces or newlines).
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
