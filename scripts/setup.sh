#!/usr/bin/env bash
# Installs what Descent's main job and tests need on a fresh Debian machine that has the .NET 10 SDK:
# Fashion-MNIST (Debian package dataset-fashion-mnist, in /usr/share/datasets/fashion-mnist).
# Needs root (or sudo) only when something is missing.
set -euo pipefail

if [ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  exit 0
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
echo "Installing Fashion-MNIST (dataset-fashion-mnist) with apt-get..."
as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq dataset-fashion-mnist
