/* clv.h: customer lifetime value, pure arithmetic (no SQL): the BG/NBD
 * model of purchase counts (Fader, Hardie and Lee, "Counting Your
 * Customers the Easy Way: An Alternative to the Pareto/NBD Model",
 * Marketing Science 24(2), 2005) and the Gamma-Gamma model of spend
 * (Fader, Hardie and Lee, "RFM and CLV: Using Iso-Value Curves for
 * Customer Base Analysis", JMR 42(4), 2005; Fader and Hardie, "The
 * Gamma-Gamma Model of Monetary Value", 2013), fitted by maximum
 * likelihood with GSL's Nelder-Mead simplex (nmsimplex2) over the logs
 * of the parameters.
 *
 * Time is in units of unit_days days (7: weeks, the paper's and the
 * report's default); purchases on one day count as one. */
#ifndef CRM_CLV_H
#define CRM_CLV_H

#include <stddef.h>
#include <stdint.h>

/* One customer over the calibration period: x repeat purchases (days with
 * a purchase after the first), t_x the time from the first purchase to the
 * last, T from the first purchase to the end of the calibration, m the
 * mean value of the repeat purchases (0 when x = 0). */
struct crm_clv_cust {
	double x, tx, T, m;
};

struct crm_clv_bgnbd {
	double r, alpha, a, b;
	double ll;			/* the log-likelihood at the fit */
	int iterations;
};

struct crm_clv_gg {
	double p, q, gamma;
	double ll;
	int iterations;
	size_t n;			/* customers with x > 0, that it is fitted over */
};

/* The summary of n purchases on days (days since any epoch, ascending;
 * equal days are merged, their values summed) worth values, with the
 * calibration ending with day end (purchases after it are ignored; T
 * counts from the first purchase to end, as the paper's CDNOW summary).  -1 when no purchase comes before end. */
int crm_clv_summary(const int64_t *days, const double *values, size_t n, int64_t end,
		    double unit_days, struct crm_clv_cust *out);

/* The BG/NBD log-likelihood of n customers (equation 6 of the paper,
 * summed), including the constant terms. */
double crm_clv_bgnbd_ll(const struct crm_clv_bgnbd *m, const struct crm_clv_cust *c, size_t n);
/* Fit r, alpha, a, b > 0: 0, or -1 when there are no customers or the
 * simplex did not converge. */
int crm_clv_bgnbd_fit(const struct crm_clv_cust *c, size_t n, struct crm_clv_bgnbd *out);
/* E[X(t)]: purchases of a new customer in (0, t] (equation 7). */
double crm_clv_bgnbd_ex(const struct crm_clv_bgnbd *m, double t);
/* E[Y(t) | x, t_x, T]: purchases in (T, T + t] (equation 10). */
double crm_clv_bgnbd_ey(const struct crm_clv_bgnbd *m, const struct crm_clv_cust *c, double t);
/* P(alive | x, t_x, T) (the paper's technical note, equation 2). */
double crm_clv_p_alive(const struct crm_clv_bgnbd *m, const struct crm_clv_cust *c);

/* The Gamma-Gamma log-likelihood over the customers with x > 0. */
double crm_clv_gg_ll(const struct crm_clv_gg *g, const struct crm_clv_cust *c, size_t n);
/* Fit p, q, gamma > 0 over the customers with x > 0 and m > 0: 0, or -1
 * when there are none or the simplex did not converge. */
int crm_clv_gg_fit(const struct crm_clv_cust *c, size_t n, struct crm_clv_gg *out);
/* E[M | p, q, gamma, m, x]: the expected value of a future purchase,
 * (gamma + m x) p / (p x + q - 1); for q <= 1 (no finite mean) NaN. */
double crm_clv_gg_mean(const struct crm_clv_gg *g, const struct crm_clv_cust *c);

/* CLV over horizon periods of length period (time units), discounted at
 * rate per period:
 *	sum_{k=1..horizon} (E[Y(k P)] - E[Y((k-1) P)]) E[M] / (1 + rate)^k */
double crm_clv_value(const struct crm_clv_bgnbd *m, const struct crm_clv_gg *g,
		     const struct crm_clv_cust *c, int horizon, double period, double rate);

/* The Gauss hypergeometric 2F1(a, b; c; z) for a, b, c > 0 and
 * 0 <= z < 1, as its logarithm: gsl_sf_hyperg_2F1 when it succeeds with
 * an error estimate below 1e-10 of the value, else (near z = 1, where it
 * may report a large error, or parameters that overflow it) the power
 * series summed term by term, scaled against overflow (the terms are all
 * positive, so there is no cancellation; the ratio of terms tends to z,
 * so it converges for every z < 1, needing about 35 / (1 - z) terms past
 * its largest one; it stops on a bound of the rest below 1e-15 of the
 * sum).  NaN outside the domain, and when that would take more than 1e8
 * terms (z within about 4e-7 of 1). */
double crm_clv_log_hyp2f1(double a, double b, double c, double z);

#endif
