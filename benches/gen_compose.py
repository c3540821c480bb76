#!/usr/bin/env python3
"""Writes N deterministic Docker Compose files for the benchmark suite.

Each file is a small stack (1-5 services, networks, volumes) under OUT/stack-XXXX/compose.yaml,
with a seeded share of what the built-in pack flags: privileged services, host networking,
published management ports, images without digests, secrets in the environment, no
healthcheck, no resource limits. File i depends only on (seed, i).

Usage: gen_compose.py --n 1000 --out corpus/compose-n1000 [--seed 42]
"""
import argparse
import os
import random
import sys

IMAGES = ["nginx", "redis", "postgres", "eclipse-mosquitto", "grafana/grafana", "influxdb",
          "registry.plant.local:5000/scada/hmi", "registry.plant.local:5000/ot/historian",
          "node-red/node-red", "telegraf"]
PORTS = [80, 443, 1883, 8883, 502, 4840, 3000, 8086, 5432, 6379, 22, 23]


def service(rng, i, j):
    name = f"svc{j}-{i:05d}"
    image = rng.choice(IMAGES)
    r = rng.random()
    if r < 0.4:
        image += f":{rng.randrange(1, 9)}.{rng.randrange(0, 20)}@sha256:{rng.getrandbits(256):064x}"
    elif r < 0.8:
        image += f":{rng.randrange(1, 9)}.{rng.randrange(0, 20)}"
    elif r < 0.9:
        image += ":latest"
    lines = [f"  {name}:", f"    image: {image}"]
    if rng.random() < 0.08:
        lines.append("    privileged: true")
    if rng.random() < 0.06:
        lines.append("    network_mode: host")
    else:
        lines.append("    networks: [backend]")
    if rng.random() < 0.5:
        port = rng.choice(PORTS)
        host = "" if rng.random() < 0.5 else "127.0.0.1:"
        lines += ["    ports:", f"      - \"{host}{port}:{port}\""]
    lines += ["    environment:", f"      LOG_LEVEL: {rng.choice(['info', 'debug', 'warn'])}"]
    if rng.random() < 0.15:
        lines.append(f"      DB_PASSWORD: \"pw{rng.getrandbits(32):08x}\"")
    if rng.random() < 0.6:
        lines += ["    healthcheck:", "      test: [\"CMD\", \"true\"]", "      interval: 30s"]
    if rng.random() < 0.5:
        lines += ["    deploy:", "      resources:", "        limits:",
                  f"          cpus: \"{rng.choice(['0.5', '1', '2'])}\"",
                  f"          memory: {rng.choice(['256M', '512M', '1G'])}"]
    if rng.random() < 0.5:
        lines += ["    read_only: true", "    cap_drop: [ALL]"]
    if rng.random() < 0.4:
        lines += ["    volumes:", f"      - data{j}:/var/lib/data"]
    lines.append(f"    restart: {rng.choice(['unless-stopped', 'always', 'no'])}")
    return lines


def make_file(seed, i):
    rng = random.Random(seed * 1_000_003 + i)
    n = rng.randrange(1, 6)
    lines = ["services:"]
    for j in range(n):
        lines += service(rng, i, j)
    lines += ["networks:", "  backend:", "    driver: bridge", "volumes:"]
    lines += [f"  data{j}: {{}}" for j in range(n)]
    return f"stack-{i:05d}/compose.yaml", "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    if os.path.isdir(a.out) and os.listdir(a.out):
        print(f"refusing to write into non-empty {a.out}", file=sys.stderr)
        return 2
    total = 0
    for i in range(a.n):
        rel, text = make_file(a.seed, i)
        path = os.path.join(a.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        total += len(text)
    print(f'{{"files": {a.n}, "bytes": {total}}}')
    return 0


if __name__ == "__main__":
    sys.exit(main())
