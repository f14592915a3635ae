#!/usr/bin/env bash
# Prints the path of jemalloc's shared library (Debian: libjemalloc2) where it is installed; prints nothing otherwise.
for candidate in /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/lib64 /usr/lib /usr/local/lib; do
  if [ -e "$candidate/libjemalloc.so.2" ]; then
    echo "$candidate/libjemalloc.so.2"
    exit 0
  fi
done
