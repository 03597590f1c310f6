/* clock: milliseconds on the monotonic clock, for timeouts and rates
 * that must not jump with the wall clock.  Used by the daemon's master
 * (ConnectionRateThrottle) and its delivery pool. */
#ifndef SW_CLOCK_H
#define SW_CLOCK_H

long long clock_ms(void);

#endif
