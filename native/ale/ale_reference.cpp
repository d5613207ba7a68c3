// SPDX-License-Identifier: GPL-2.0-or-later
// ale_reference: the native reference driver. Links the same ALE build as the shim (ALE (c) its authors, GNU GPL
// version 2; see NOTICE-GPL.txt). It plays a seeded action sequence on ale::ALEInterface directly and prints, per
// emulated frame, what the toolkit's conformance tests compare (docs/atari.md, "Verified against native ALE"):
//   frame <n> <action> <reward> <lives> <game_over> <fnv1a64 grayscale> <fnv1a64 rgb>
// and "reset" after each game over (then reset_game()). With --bench it prints only frames per second.
// --mode M / --difficulty D select them after loadROM and reset (the ALE applies them at the next reset).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "ale/ale_interface.hpp"
#include "ale/common/Log.hpp"

namespace {

// FNV-1a, 64 bits: offset basis 14695981039346656037, prime 1099511628211.
uint64_t fnv1a64(const std::vector<unsigned char>& bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char b : bytes) hash = (hash ^ b) * 1099511628211ull;
  return hash;
}

int usage() {
  std::fprintf(stderr,
               "usage: ale_reference ROM [--frames N] [--seed S] [--mode M] [--difficulty D] [--bench] [--grayscale]\n"
               "  plays N frames (default 10000) of actions from the minimal set, each held 1..16 frames, drawn\n"
               "  from mt19937_64(S); prints one line per frame, or with --bench the frames per second\n"
               "  (--grayscale: also fetch the grayscale screen every frame; --mode/--difficulty: the game's\n"
               "  mode and difficulty, default the game's own).\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  std::string rom = argv[1];
  long frames = 10000;
  unsigned long long seed = 1;
  long mode = -1, difficulty = -1;
  bool bench = false, grayscale = false;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--frames" && i + 1 < argc) frames = std::atol(argv[++i]);
    else if (arg == "--seed" && i + 1 < argc) seed = std::strtoull(argv[++i], nullptr, 10);
    else if (arg == "--mode" && i + 1 < argc) mode = std::atol(argv[++i]);
    else if (arg == "--difficulty" && i + 1 < argc) difficulty = std::atol(argv[++i]);
    else if (arg == "--bench") bench = true;
    else if (arg == "--grayscale") grayscale = true;
    else return usage();
  }
  try {
    ale::Logger::setMode(ale::Logger::Error);
    if (!ale::ALEInterface::isSupportedROM(rom)) {
      std::fprintf(stderr, "ale_reference: '%s' is not a ROM the ALE supports\n", rom.c_str());
      return 1;
    }
    ale::ALEInterface ale;
    ale.setInt("random_seed", 0);
    ale.setFloat("repeat_action_probability", 0.0f);
    ale.setInt("frame_skip", 1);
    ale.loadROM(rom);
    if (mode >= 0 || difficulty >= 0) {
      if (mode >= 0) ale.setMode(static_cast<ale::game_mode_t>(mode));  // throws on an unavailable mode
      if (difficulty >= 0) ale.setDifficulty(static_cast<ale::difficulty_t>(difficulty));
      ale.reset_game();
    }
    std::fprintf(stderr, "ale_reference: mode %d difficulty %d\n", static_cast<int>(ale.getMode()),
                 static_cast<int>(ale.getDifficulty()));
    ale::ActionVect minimal = ale.getMinimalActionSet();
    std::mt19937_64 random(seed);
    std::vector<unsigned char> gray, rgb;
    int action = 0, hold = 0;
    auto start = std::chrono::steady_clock::now();
    for (long n = 0; n < frames; ++n) {
      if (hold == 0) {
        action = static_cast<int>(minimal[random() % minimal.size()]);
        hold = 1 + static_cast<int>(random() % 16);
      }
      --hold;
      int reward = ale.act(static_cast<ale::Action>(action));
      bool over = ale.game_over();
      if (bench) {
        if (grayscale) ale.getScreenGrayscale(gray);
      } else {
        ale.getScreenGrayscale(gray);
        ale.getScreenRGB(rgb);
        std::printf("frame %ld %d %d %d %d %016llx %016llx\n", n, action, reward, ale.lives(), over ? 1 : 0,
                    static_cast<unsigned long long>(fnv1a64(gray)), static_cast<unsigned long long>(fnv1a64(rgb)));
      }
      if (over) {
        if (!bench) std::printf("reset\n");
        ale.reset_game();
      }
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (bench) std::printf("%ld frames in %.3f s: %.0f frames/s\n", frames, seconds, frames / seconds);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ale_reference: %s\n", e.what());
    return 1;
  }
}
