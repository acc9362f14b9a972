# Sourced by the bench scripts: reads what `/usr/bin/time -v -o FILE` wrote.
#   read_time_v FILE   sets $wall and $cpu (seconds; cpu = user + system of all threads) and
#                      $rss (peak resident MiB)
read_time_v() {
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
      n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$1")
  cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ { s += $2 } END { printf "%.2f", s }' "$1")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%d", $2 / 1024 }' "$1")
}
