/* SPDX-License-Identifier: GPL-2.0-or-later
 * prox_ale: the toolkit's C surface over ale::ALEInterface (ALE 0.12.x). This file links the Arcade Learning
 * Environment, (c) its authors, released under the GNU GPL version 2; see NOTICE-GPL.txt and docs/atari.md.
 *
 * Rules: opaque handle; int32, float, UTF-8 strings and caller-owned buffers only; every function returns
 * PROX_ALE_OK or an error code and never throws, exits or aborts; after PROX_ALE_ERROR the message is read
 * with prox_ale_last_error (per thread). */
#ifndef PROX_ALE_SHIM_H
#define PROX_ALE_SHIM_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PROX_ALE_ABI 1
#define PROX_ALE_OK 0
#define PROX_ALE_ERROR 1
#define PROX_ALE_TOO_SMALL 2 /* the buffer is too small; *length says how many elements are needed */

typedef struct prox_ale prox_ale;

#define PROX_ALE_EXPORT __attribute__((visibility("default")))

/* PROX_ALE_ABI of the library; the managed side refuses another value. */
PROX_ALE_EXPORT int32_t prox_ale_abi(void);
/* The last error message of this thread, UTF-8, truncated to capacity-1 bytes and NUL-terminated;
 * returns its full length in bytes. */
PROX_ALE_EXPORT int32_t prox_ale_last_error(char* buffer, int32_t capacity);
/* The ALE version string ("0.12.1"). */
PROX_ALE_EXPORT int32_t prox_ale_version(char* buffer, int32_t capacity);

/* The MD5 (32 hex digits + NUL) the ALE expects for game `game` (ALE name, e.g. "breakout");
 * PROX_ALE_ERROR naming the game if the ALE does not know it. */
PROX_ALE_EXPORT int32_t prox_ale_game_md5(const char* game, char* md5_out33);
/* The game the ALE recognises by the MD5 of the file at `path` (its name into `game_out`, *length its length),
 * or *length = 0 when no supported game has that MD5. PROX_ALE_ERROR when the file is missing or unreadable. */
PROX_ALE_EXPORT int32_t prox_ale_rom_game(const char* path, char* game_out, int32_t capacity, int32_t* length);
/* The ALE's name of action id 0..17 ("PLAYER_A_NOOP" ...). */
PROX_ALE_EXPORT int32_t prox_ale_action_name(int32_t action, char* buffer, int32_t capacity, int32_t* length);

/* Creates an instance (ALE logging set to errors only before the first). */
PROX_ALE_EXPORT int32_t prox_ale_create(prox_ale** out);
PROX_ALE_EXPORT void prox_ale_destroy(prox_ale* ale);

/* Loads the ROM at `rom_path` after checking it exists, is readable and has the MD5 of a supported game;
 * sets random_seed = seed, repeat_action_probability = 0 and frame_skip = 1 before loadROM; then, when mode or
 * difficulty is >= 0, checks it is available, selects it and resets the game (-1 = the game's default). */
PROX_ALE_EXPORT int32_t prox_ale_load(prox_ale* ale, const char* rom_path, int32_t seed, int32_t mode, int32_t difficulty);

/* One emulated frame with ALE action id 0..17 (player A); *reward the frame's reward. */
PROX_ALE_EXPORT int32_t prox_ale_act(prox_ale* ale, int32_t action, int32_t* reward);
PROX_ALE_EXPORT int32_t prox_ale_game_over(prox_ale* ale, int32_t* over);
PROX_ALE_EXPORT int32_t prox_ale_lives(prox_ale* ale, int32_t* lives);
PROX_ALE_EXPORT int32_t prox_ale_reset(prox_ale* ale);
/* Frames emulated since loadROM and since the episode started (reset frames excluded, as in the ALE). */
PROX_ALE_EXPORT int32_t prox_ale_frame_number(prox_ale* ale, int32_t* frame, int32_t* episode_frame);

/* The screen, 210 x 160 grayscale (length >= 33600) or interleaved R,G,B (length >= 100800). */
PROX_ALE_EXPORT int32_t prox_ale_screen_size(prox_ale* ale, int32_t* height, int32_t* width);
PROX_ALE_EXPORT int32_t prox_ale_screen_grayscale(prox_ale* ale, uint8_t* buffer, int32_t length);
PROX_ALE_EXPORT int32_t prox_ale_screen_rgb(prox_ale* ale, uint8_t* buffer, int32_t length);

#define PROX_ALE_MINIMAL_ACTIONS 0
#define PROX_ALE_LEGAL_ACTIONS 1
#define PROX_ALE_MODES 2
#define PROX_ALE_DIFFICULTIES 3
/* One of the lists above into `buffer`; *count its length (PROX_ALE_TOO_SMALL when capacity < *count). */
PROX_ALE_EXPORT int32_t prox_ale_list(prox_ale* ale, int32_t which, int32_t* buffer, int32_t capacity, int32_t* count);
PROX_ALE_EXPORT int32_t prox_ale_mode(prox_ale* ale, int32_t* mode, int32_t* difficulty);

/* The emulator and environment state including the RNG (cloneState(true)), tagged with the ROM's MD5;
 * *length its size (PROX_ALE_TOO_SMALL when capacity < *length). */
PROX_ALE_EXPORT int32_t prox_ale_save_state(prox_ale* ale, uint8_t* buffer, int32_t capacity, int32_t* length);
/* Restores a state from prox_ale_save_state of the same ROM; anything else is refused. */
PROX_ALE_EXPORT int32_t prox_ale_restore_state(prox_ale* ale, const uint8_t* buffer, int32_t length);

#ifdef __cplusplus
}
#endif
#endif
