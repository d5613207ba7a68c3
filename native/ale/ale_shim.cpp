// SPDX-License-Identifier: GPL-2.0-or-later
// prox_ale: the toolkit's C surface over ale::ALEInterface (ALE 0.12.x). Links the Arcade Learning Environment,
// (c) its authors, released under the GNU GPL version 2; see NOTICE-GPL.txt and docs/atari.md.
// Every export catches every exception; the inputs the ALE answers with std::exit are checked first.
#include "ale_shim.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "ale/ale_interface.hpp"
#include "ale/common/Log.hpp"
#include "ale/emucore/MD5.hxx"
#include "ale/games/Roms.hpp"
#include "version.hpp"

struct prox_ale {
  ale::ALEInterface ale;
  std::string md5;  // the loaded ROM's MD5; empty before prox_ale_load
  bool loaded = false;
};

namespace {

constexpr char kStateMagic[8] = {'P', 'X', 'A', 'L', 'E', 'S', '0', '1'};
constexpr int kMd5Length = 32;
thread_local std::string last_error;
std::once_flag quiet_once;

void quiet() {
  std::call_once(quiet_once, [] { ale::Logger::setMode(ale::Logger::Error); });
}

int32_t fail(const std::string& message) {
  last_error = message;
  return PROX_ALE_ERROR;
}

template <typename F> int32_t guarded(F&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    return fail(e.what());
  } catch (const char* text) {
    return fail(text);
  } catch (...) {
    return fail("unknown C++ exception in the ALE");
  }
}

int32_t copy_text(const std::string& text, char* buffer, int32_t capacity, int32_t* length) {
  if (length) *length = static_cast<int32_t>(text.size());
  if (buffer && capacity > 0) {
    size_t n = std::min(text.size(), static_cast<size_t>(capacity - 1));
    std::memcpy(buffer, text.data(), n);
    buffer[n] = '\0';
  }
  return PROX_ALE_OK;
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::error_code ignored;
  if (!std::filesystem::is_regular_file(path, ignored))
    throw std::runtime_error("ROM file '" + path + "' does not exist or is not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in.good()) throw std::runtime_error("ROM file '" + path + "' cannot be read");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error("ROM file '" + path + "' cannot be read");
  return bytes;
}

// The ALE's game for a ROM name ("breakout") or MD5; nullptr when it has none.
std::unique_ptr<ale::RomSettings> wrapper(const std::string& name, const std::string& md5) {
  return std::unique_ptr<ale::RomSettings>(ale::buildRomRLWrapper(std::filesystem::path(name + ".bin"), md5));
}

std::string known_game_by_md5(const std::string& md5) {
  // An empty stem never matches a game name, so only the MD5 can match.
  auto found = wrapper("", md5);
  return found && found->md5() == md5 ? found->rom() : std::string();
}

bool loaded(prox_ale* a) {
  if (!a) throw std::invalid_argument("null prox_ale handle");
  if (!a->loaded) throw std::logic_error("no ROM loaded: call prox_ale_load first");
  return true;
}

int32_t copy_list(const std::vector<int>& values, int32_t* buffer, int32_t capacity, int32_t* count) {
  *count = static_cast<int32_t>(values.size());
  if (capacity < *count) return PROX_ALE_TOO_SMALL;
  std::copy(values.begin(), values.end(), buffer);
  return PROX_ALE_OK;
}

}  // namespace

extern "C" {

int32_t prox_ale_abi(void) { return PROX_ALE_ABI; }

int32_t prox_ale_last_error(char* buffer, int32_t capacity) {
  int32_t length = 0;
  copy_text(last_error, buffer, capacity, &length);
  return length;
}

int32_t prox_ale_version(char* buffer, int32_t capacity) {
  return guarded([&] { return copy_text(ALE_VERSION, buffer, capacity, nullptr); });
}

int32_t prox_ale_game_md5(const char* game, char* md5_out33) {
  return guarded([&] {
    if (!game || !*game) return fail("empty game name");
    auto found = wrapper(game, "");
    if (!found || std::string(found->rom()) != game) return fail(std::string("the ALE has no game named '") + game + "'");
    return copy_text(found->md5(), md5_out33, kMd5Length + 1, nullptr);
  });
}

int32_t prox_ale_rom_game(const char* path, char* game_out, int32_t capacity, int32_t* length) {
  return guarded([&] {
    if (!path) return fail("null ROM path");
    auto bytes = read_file(path);
    std::string md5 = ale::stella::MD5(bytes.data(), static_cast<uint32_t>(bytes.size()));
    return copy_text(known_game_by_md5(md5), game_out, capacity, length);
  });
}

int32_t prox_ale_action_name(int32_t action, char* buffer, int32_t capacity, int32_t* length) {
  return guarded([&] {
    if (action < 0 || action >= PLAYER_A_MAX)
      return fail("action id " + std::to_string(action) + " is outside 0.." + std::to_string(PLAYER_A_MAX - 1));
    return copy_text(ale::action_to_string(static_cast<ale::Action>(action)), buffer, capacity, length);
  });
}

int32_t prox_ale_create(prox_ale** out) {
  return guarded([&] {
    if (!out) return fail("null output pointer");
    *out = nullptr;
    quiet();
    *out = new prox_ale();
    return PROX_ALE_OK;
  });
}

void prox_ale_destroy(prox_ale* ale) {
  try {
    delete ale;
  } catch (...) {
  }
}

int32_t prox_ale_load(prox_ale* a, const char* rom_path, int32_t seed, int32_t mode, int32_t difficulty) {
  return guarded([&] {
    if (!a) return fail("null prox_ale handle");
    if (a->loaded) return fail("a ROM is already loaded in this instance");
    if (!rom_path) return fail("null ROM path");
    std::string path(rom_path);
    auto bytes = read_file(path);  // missing or unreadable: loadROM would std::exit
    std::string md5 = ale::stella::MD5(bytes.data(), static_cast<uint32_t>(bytes.size()));
    // Unknown MD5: loadROM would std::exit, or hang on a wrong file under a game's name.
    if (known_game_by_md5(md5).empty() || !ale::ALEInterface::isSupportedROM(path))
      return fail("ROM file '" + path + "' (MD5 " + md5 + ") is not a ROM the ALE supports");
    a->ale.setInt("random_seed", seed);
    a->ale.setFloat("repeat_action_probability", 0.0f);
    a->ale.setInt("frame_skip", 1);
    a->ale.loadROM(path);
    a->md5 = md5;
    a->loaded = true;
    if (mode >= 0 || difficulty >= 0) {
      if (mode >= 0) a->ale.setMode(mode);  // throws on an unavailable mode
      if (difficulty >= 0) a->ale.setDifficulty(difficulty);
      a->ale.reset_game();
    }
    return PROX_ALE_OK;
  });
}

int32_t prox_ale_act(prox_ale* a, int32_t action, int32_t* reward) {
  return guarded([&] {
    loaded(a);
    if (action < 0 || action >= PLAYER_A_MAX)  // other values reach std::exit in the ALE
      return fail("action id " + std::to_string(action) + " is outside 0.." + std::to_string(PLAYER_A_MAX - 1));
    *reward = a->ale.act(static_cast<ale::Action>(action));
    return PROX_ALE_OK;
  });
}

int32_t prox_ale_game_over(prox_ale* a, int32_t* over) {
  return guarded([&] {
    loaded(a);
    *over = a->ale.game_over() ? 1 : 0;
    return PROX_ALE_OK;
  });
}

int32_t prox_ale_lives(prox_ale* a, int32_t* lives) {
  return guarded([&] {
    loaded(a);
    *lives = a->ale.lives();
    return PROX_ALE_OK;
  });
}

int32_t prox_ale_reset(prox_ale* a) {
  return guarded([&] {
    loaded(a);
    a->ale.reset_game();
    return PROX_ALE_OK;
  });
}

int32_t prox_ale_frame_number(prox_ale* a, int32_t* frame, int32_t* episode_frame) {
  return guarded([&] {
    loaded(a);
    *frame = a->ale.getFrameNumber();
    *episode_frame = a->ale.getEpisodeFrameNumber();
    return PROX_ALE_OK;
  });
}

int32_t prox_ale_screen_size(prox_ale* a, int32_t* height, int32_t* width) {
  return guarded([&] {
    loaded(a);
    *height = static_cast<int32_t>(a->ale.getScreen().height());
    *width = static_cast<int32_t>(a->ale.getScreen().width());
    return PROX_ALE_OK;
  });
}

// Palette conversion straight into the caller's buffer (the ALE's own getScreen* resize a std::vector).
int32_t prox_ale_screen_grayscale(prox_ale* a, uint8_t* buffer, int32_t length) {
  return guarded([&] {
    loaded(a);
    const ale::ALEScreen& screen = a->ale.getScreen();
    size_t size = screen.height() * screen.width();
    if (!buffer || length < 0 || static_cast<size_t>(length) < size)
      return fail("grayscale buffer of " + std::to_string(length) + " bytes; the screen needs " + std::to_string(size));
    a->ale.theOSystem->colourPalette().applyPaletteGrayscale(buffer, screen.getArray(), size);
    return PROX_ALE_OK;
  });
}

int32_t prox_ale_screen_rgb(prox_ale* a, uint8_t* buffer, int32_t length) {
  return guarded([&] {
    loaded(a);
    const ale::ALEScreen& screen = a->ale.getScreen();
    size_t size = screen.height() * screen.width();
    if (!buffer || length < 0 || static_cast<size_t>(length) < 3 * size)
      return fail("RGB buffer of " + std::to_string(length) + " bytes; the screen needs " + std::to_string(3 * size));
    a->ale.theOSystem->colourPalette().applyPaletteRGB(buffer, screen.getArray(), size);
    return PROX_ALE_OK;
  });
}

int32_t prox_ale_list(prox_ale* a, int32_t which, int32_t* buffer, int32_t capacity, int32_t* count) {
  return guarded([&] {
    loaded(a);
    if (!count || (capacity > 0 && !buffer)) return fail("null output pointer");
    std::vector<int> values;
    switch (which) {
      case PROX_ALE_MINIMAL_ACTIONS:
        for (auto v : a->ale.getMinimalActionSet()) values.push_back(static_cast<int>(v));
        break;
      case PROX_ALE_LEGAL_ACTIONS:
        for (auto v : a->ale.getLegalActionSet()) values.push_back(static_cast<int>(v));
        break;
      case PROX_ALE_MODES:
        for (auto v : a->ale.getAvailableModes()) values.push_back(static_cast<int>(v));
        break;
      case PROX_ALE_DIFFICULTIES:
        for (auto v : a->ale.getAvailableDifficulties()) values.push_back(static_cast<int>(v));
        break;
      default:
        return fail("list " + std::to_string(which) + " is not one of 0..3");
    }
    return copy_list(values, buffer, capacity, count);
  });
}

int32_t prox_ale_mode(prox_ale* a, int32_t* mode, int32_t* difficulty) {
  return guarded([&] {
    loaded(a);
    *mode = static_cast<int32_t>(a->ale.getMode());
    *difficulty = static_cast<int32_t>(a->ale.getDifficulty());
    return PROX_ALE_OK;
  });
}

// Layout: 8-byte magic, 32-char ROM MD5, then ALEState::serialize().
int32_t prox_ale_save_state(prox_ale* a, uint8_t* buffer, int32_t capacity, int32_t* length) {
  return guarded([&] {
    loaded(a);
    std::string body = a->ale.cloneState(true).serialize();
    size_t total = sizeof(kStateMagic) + kMd5Length + body.size();
    *length = static_cast<int32_t>(total);
    if (!buffer || capacity < 0 || static_cast<size_t>(capacity) < total) return PROX_ALE_TOO_SMALL;
    std::memcpy(buffer, kStateMagic, sizeof(kStateMagic));
    std::memcpy(buffer + sizeof(kStateMagic), a->md5.data(), kMd5Length);
    std::memcpy(buffer + sizeof(kStateMagic) + kMd5Length, body.data(), body.size());
    return PROX_ALE_OK;
  });
}

int32_t prox_ale_restore_state(prox_ale* a, const uint8_t* buffer, int32_t length) {
  return guarded([&] {
    loaded(a);
    size_t header = sizeof(kStateMagic) + kMd5Length;
    if (!buffer || length < 0 || static_cast<size_t>(length) <= header ||
        std::memcmp(buffer, kStateMagic, sizeof(kStateMagic)) != 0)
      return fail("not a prox_ale emulator state (" + std::to_string(length) + " bytes)");
    std::string md5(reinterpret_cast<const char*>(buffer) + sizeof(kStateMagic), kMd5Length);
    if (md5 != a->md5) return fail("the state belongs to the ROM with MD5 " + md5 + ", this emulator runs " + a->md5);
    std::string body(reinterpret_cast<const char*>(buffer) + header, static_cast<size_t>(length) - header);
    a->ale.restoreState(ale::ALEState(body));
    return PROX_ALE_OK;
  });
}

}  // extern "C"
