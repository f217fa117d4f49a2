/* A stand-in for Windows' bcryptprimitives.dll, for Wine 8.0 only.
 *
 * Rust 1.78 and later take their random numbers from ProcessPrng in
 * bcryptprimitives.dll, which Windows 10 and 11 have and Wine gained in 8.13.
 * Under Debian 12's Wine 8.0 every Rust program would stop before main
 * (status 53). This forwards ProcessPrng to BCryptGenRandom with the system's
 * preferred generator, which Wine 8.0 has. Never shipped: `cargo xtask test`
 * builds it with mingw-w64 and puts it into its own Wine prefix. */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
