/* test_clv.c: the BG/NBD and Gamma-Gamma arithmetic of lib/clv.c.
 *
 * The closed forms are checked against mpmath (Python, 30 digits):
 *
 *	from mpmath import mp, hyp2f1, mpf
 *	mp.dps = 30
 *	r, al, a, b = mpf('0.243'), mpf('4.414'), mpf('0.793'), mpf('2.426')
 *	def EX(t):
 *	    return (a+b-1)/(a-1)*(1-(al/(al+t))**r*hyp2f1(r, b, a+b-1, t/(al+t)))
 *	def EY(x, tx, T, t):
 *	    num = (a+b+x-1)/(a-1)*(1-((al+T)/(al+T+t))**(r+x)
 *	                           *hyp2f1(r+x, b+x, a+b+x-1, t/(al+T+t)))
 *	    return num/(1+(a/(b+x-1)*((al+T)/(al+tx))**(r+x) if x > 0 else 0))
 *	def PA(x, tx, T):
 *	    return 1/(1+(a/(b+x-1)*((al+T)/(al+tx))**(r+x) if x > 0 else 0))
 *
 * EX(39) = 1.19672319332, EX(78) = 1.86051905794, EX(1000) = 6.58039161374;
 * EY(2, 30.43, 38.86, 39) = 1.22602817477 (the paper's worked example:
 * 1.226); PA(2, 30.43, 38.86) = 0.726578570081; EY(50, 38, 38.86, 520) =
 * 166.620668244; EY(200, 38, 39, 5000) = 1150.44693808; EY(0, 0, 38.86,
 * 52) = 0.252073022282.  The arithmetic is in doubles, lgamma and the
 * series good to about 1e-13 relative; 1e-9 leaves room and still
 * catches any wrong term.  (The brief's guess of 1.473 for E[X(39)] is
 * not what the formula gives with the published parameters: 1.1967.)
 *
 * 2F1 with huge b and c (a fit where the beta distribution of the
 * drop-out probability tends to a point: a, b ~ 1e7) is checked against
 * the series summed directly in 40-digit mpmath arithmetic,
 *
 *	t = s = mpf(1)
 *	for n in range(3000): t *= (a+n)*(b+n)/((c+n)*(n+1))*z; s += t
 *
 * as mpmath's own hyp2f1 is wrong there (it gives log 2F1(2.5, 5000;
 * 7000; 0.9) = 341.2; the terms are below 1e-480 by n = 3000, and the sum
 * is 13.13): log 2F1(2.5, 5000; 7000; 0.9) = 2.57485865205070,
 * log 2F1(2.5, 13396500; 17200000; 0.9) = 3.01810952586111; and
 * log 2F1(0.7, 3.2; 5.5; 0.995) = 0.793704988808226 (hyp2f1 agrees).
 *
 * The fits are checked on purchase logs simulated from known parameters
 * (GSL's mt19937, fixed seeds): each estimate within 4 asymptotic standard
 * errors of the truth, the standard errors from the inverse of the
 * numerical Hessian of the log-likelihood at the estimate; and, so that
 * the check can fail, those standard errors below a bound (a fit that
 * learnt nothing has huge ones). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "clv.h"
#include "err.h"

static const struct crm_clv_bgnbd cdnow = { .r = 0.243, .alpha = 4.414, .a = 0.793, .b = 2.426 };

static void near(double got, double want, double rel)
{
	if (!(fabs(got - want) <= rel * fabs(want))) {
		print_error("got %.12g, want %.12g (rel %.3g)\n", got, want, rel);
		fail();
	}
}

static void test_closed_forms(void **state)
{
	(void)state;
	near(crm_clv_bgnbd_ex(&cdnow, 39), 1.19672319332, 1e-9);
	near(crm_clv_bgnbd_ex(&cdnow, 78), 1.86051905794, 1e-9);
	/* z = 1000 / 1004.4: the series, not GSL */
	near(crm_clv_bgnbd_ex(&cdnow, 1000), 6.58039161374, 1e-9);
	assert_true(crm_clv_bgnbd_ex(&cdnow, 0) == 0);
	struct crm_clv_cust c = { .x = 2, .tx = 30.43, .T = 38.86 };
	near(crm_clv_bgnbd_ey(&cdnow, &c, 39), 1.22602817477, 1e-9);
	near(crm_clv_p_alive(&cdnow, &c), 0.726578570081, 1e-9);
	struct crm_clv_cust heavy = { .x = 50, .tx = 38, .T = 38.86 };
	near(crm_clv_bgnbd_ey(&cdnow, &heavy, 520), 166.620668244, 1e-9);
	struct crm_clv_cust heavier = { .x = 200, .tx = 38, .T = 39 };
	near(crm_clv_bgnbd_ey(&cdnow, &heavier, 5000), 1150.44693808, 1e-9);
	struct crm_clv_cust once = { .x = 0, .tx = 0, .T = 38.86 };
	near(crm_clv_bgnbd_ey(&cdnow, &once, 52), 0.252073022282, 1e-9);
	assert_true(crm_clv_p_alive(&cdnow, &once) == 1);
	/* 2F1 itself (mpmath): either side of the switch to the series */
	near(exp(crm_clv_log_hyp2f1(3.5, 5.25, 2.75, 0.9)), 1587168.77706356, 1e-9);
	near(exp(crm_clv_log_hyp2f1(0.5, 1.5, 2.5, 0.999)), 2.26473823207784, 1e-9);
	near(exp(crm_clv_log_hyp2f1(60, 70, 80, 0.6)), 4.28286009792256e20, 1e-9);
	near(crm_clv_log_hyp2f1(2.5, 5000, 7000, 0.9), 2.57485865205070, 1e-9);
	near(crm_clv_log_hyp2f1(2.5, 13396500, 17200000, 0.9), 3.01810952586111, 1e-9);
	near(crm_clv_log_hyp2f1(0.7, 3.2, 5.5, 0.995), 0.793704988808226, 1e-9);
	assert_true(isnan(crm_clv_log_hyp2f1(1, 1, 1, 1)));
	assert_true(isnan(crm_clv_log_hyp2f1(1, 1, 1, -0.5)));
}

static void test_gamma_gamma_mean_and_clv(void **state)
{
	(void)state;
	struct crm_clv_gg g = { .p = 6.25, .q = 3.74, .gamma = 15.44 };
	struct crm_clv_cust c = { .x = 3, .tx = 20, .T = 30, .m = 35.5 };
	/* (gamma + m x) p / (p x + q - 1) = (15.44 + 106.5) 6.25 / 21.49 */
	near(crm_clv_gg_mean(&g, &c), (15.44 + 35.5 * 3) * 6.25 / (6.25 * 3 + 3.74 - 1), 1e-12);
	struct crm_clv_cust none = { .T = 30 };
	near(crm_clv_gg_mean(&g, &none), 15.44 * 6.25 / 2.74, 1e-12);
	struct crm_clv_gg flat = { .p = 1, .q = 0.9, .gamma = 1 };
	assert_true(isnan(crm_clv_gg_mean(&flat, &c)));
	/* no discount: the CLV is E[Y(H P)] E[M]; one period: E[Y(P)] E[M] / (1 + d) */
	double em = crm_clv_gg_mean(&g, &c);
	near(crm_clv_value(&cdnow, &g, &c, 4, 13, 0), crm_clv_bgnbd_ey(&cdnow, &c, 52) * em, 1e-12);
	near(crm_clv_value(&cdnow, &g, &c, 1, 52, 0.1), crm_clv_bgnbd_ey(&cdnow, &c, 52) * em / 1.1,
	     1e-12);
	double two = (crm_clv_bgnbd_ey(&cdnow, &c, 52) / 1.1 +
		      (crm_clv_bgnbd_ey(&cdnow, &c, 104) - crm_clv_bgnbd_ey(&cdnow, &c, 52)) / 1.21) * em;
	near(crm_clv_value(&cdnow, &g, &c, 2, 52, 0.1), two, 1e-12);
}

static void test_summary(void **state)
{
	(void)state;
	struct crm_clv_cust c;
	/* days 10, 10, 17, 31 (and 40 after the end at 35): x = 2 repeat
	 * days, t_x = 21 days, T = 25 days, m = (5 + 7) / 2 */
	const int64_t days[] = { 10, 10, 17, 31, 40 };
	const double v[] = { 1, 2, 5, 7, 100 };
	assert_int_equal(crm_clv_summary(days, v, 5, 35, 7, &c), 0);
	near(c.x, 2, 0);
	near(c.tx, 21.0 / 7, 1e-15);
	near(c.T, 25.0 / 7, 1e-15);
	near(c.m, 6, 1e-15);
	assert_int_equal(crm_clv_summary(days, v, 2, 35, 1, &c), 0);
	assert_true(c.x == 0 && c.tx == 0 && c.T == 25 && c.m == 0);
	assert_int_equal(crm_clv_summary(days + 4, v + 4, 1, 35, 1, &c), -1);
	assert_int_equal(crm_clv_summary(days, v, 0, 35, 1, &c), -1);
}

/* BG/NBD purchases (the paper's section 2): lambda ~ Gamma(r, alpha),
 * p ~ Beta(a, b); exponential gaps at rate lambda; after each repeat
 * purchase, gone with probability p.  Each purchase is worth a draw of
 * Gamma(p, nu), nu ~ Gamma(q, gamma) per customer (Gamma-Gamma). */
static void simulate(gsl_rng *g, const struct crm_clv_bgnbd *m, const struct crm_clv_gg *gg,
		     struct crm_clv_cust *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		double lam = gsl_ran_gamma(g, m->r, 1 / m->alpha), p = gsl_ran_beta(g, m->a, m->b);
		double nu = gsl_ran_gamma(g, gg->q, 1 / gg->gamma);
		double T = 26 + 26 * gsl_rng_uniform(g), t = 0, tx = 0, sum = 0;
		int x = 0;
		for (;;) {
			t += gsl_ran_exponential(g, 1 / lam);
			if (t > T)
				break;
			x++;
			tx = t;
			sum += gsl_ran_gamma(g, gg->p, 1 / nu);
			if (gsl_rng_uniform(g) < p)
				break;
		}
		c[i] = (struct crm_clv_cust){ .x = x, .tx = tx, .T = T, .m = x ? sum / x : 0 };
	}
}

typedef double ll_fn(const double *theta, const struct crm_clv_cust *c, size_t n);

static double bg_ll(const double *t, const struct crm_clv_cust *c, size_t n)
{
	struct crm_clv_bgnbd m = { .r = t[0], .alpha = t[1], .a = t[2], .b = t[3] };
	return crm_clv_bgnbd_ll(&m, c, n);
}

static double gg_ll(const double *t, const struct crm_clv_cust *c, size_t n)
{
	struct crm_clv_gg m = { .p = t[0], .q = t[1], .gamma = t[2] };
	return crm_clv_gg_ll(&m, c, n);
}

/* Standard errors: sqrt of the diagonal of the inverse of minus the
 * Hessian of ll at theta, by central differences of step 1e-3 theta. */
static void std_errors(ll_fn *ll, const double *theta, size_t k, const struct crm_clv_cust *c,
		       size_t n, double *se)
{
	gsl_matrix *h = gsl_matrix_alloc(k, k);
	double t[4];
	for (size_t i = 0; i < k; i++) {
		for (size_t j = 0; j < k; j++) {
			double hi = 1e-3 * theta[i], hj = 1e-3 * theta[j], f[4];
			for (int s = 0; s < 4; s++) {
				for (size_t l = 0; l < k; l++)
					t[l] = theta[l];
				t[i] += (s & 1 ? -hi : hi);
				t[j] += (s & 2 ? -hj : hj);
				f[s] = ll(t, c, n);
			}
			gsl_matrix_set(h, i, j, -(f[0] - f[1] - f[2] + f[3]) / (4 * hi * hj));
		}
	}
	assert_int_equal(gsl_linalg_cholesky_decomp1(h), 0);
	assert_int_equal(gsl_linalg_cholesky_invert(h), 0);
	for (size_t i = 0; i < k; i++)
		se[i] = sqrt(gsl_matrix_get(h, i, i));
	gsl_matrix_free(h);
}

static void check_recovery(const char *what, const double *truth, const double *est, size_t k,
			   const double *se, const double *max_rel_se)
{
	for (size_t i = 0; i < k; i++) {
		print_message("%s[%zu]: true %.4f, fitted %.4f (%+.1f%%), se %.4f (%.1f%%)\n", what, i,
			      truth[i], est[i], 100 * (est[i] / truth[i] - 1), se[i],
			      100 * se[i] / truth[i]);
		assert_true(fabs(est[i] - truth[i]) < 4 * se[i]);
		assert_true(se[i] < max_rel_se[i] * truth[i]);
	}
}

static void test_fit_recovers(void **state)
{
	(void)state;
	const size_t n = 5000;
	struct crm_clv_cust *c = crm_xcalloc(n, sizeof *c);
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	const struct crm_clv_gg gg = { .p = 6.25, .q = 3.74, .gamma = 15.44 };
	/* the bounds on the standard errors are about twice what 5,000
	 * customers of 26 to 52 weeks give (r, alpha about 6%, a, b about
	 * 25%; p and gamma, strongly correlated, about 15%, q 4%) */
	const double bg_max[] = { 0.15, 0.15, 0.5, 0.5 }, gg_max[] = { 0.3, 0.1, 0.3 };
	for (unsigned long seed = 1; seed <= 3; seed++) {
		struct crm_clv_bgnbd m;
		struct crm_clv_gg h;
		double se[4];
		gsl_rng_set(g, seed);
		simulate(g, &cdnow, &gg, c, n);
		assert_int_equal(crm_clv_bgnbd_fit(c, n, &m), 0);
		double bt[] = { cdnow.r, cdnow.alpha, cdnow.a, cdnow.b }, be[] = { m.r, m.alpha, m.a, m.b };
		std_errors(bg_ll, be, 4, c, n, se);
		check_recovery("bgnbd", bt, be, 4, se, bg_max);
		/* at the maximum: no better point nearby */
		near(m.ll, crm_clv_bgnbd_ll(&m, c, n), 1e-12);
		for (int i = 0; i < 4; i++) {
			double t[4] = { m.r, m.alpha, m.a, m.b };
			t[i] *= 1.001;
			assert_true(bg_ll(t, c, n) < m.ll);
			t[i] /= 1.001 * 1.001;
			assert_true(bg_ll(t, c, n) < m.ll);
		}
		assert_int_equal(crm_clv_gg_fit(c, n, &h), 0);
		double gt[] = { gg.p, gg.q, gg.gamma }, ge[] = { h.p, h.q, h.gamma };
		std_errors(gg_ll, ge, 3, c, n, se);
		check_recovery("gamma-gamma", gt, ge, 3, se, gg_max);
		near(h.ll, crm_clv_gg_ll(&h, c, n), 1e-12);
	}
	gsl_rng_free(g);
	free(c);
}

static void test_fit_fails(void **state)
{
	(void)state;
	struct crm_clv_bgnbd m;
	struct crm_clv_gg g;
	struct crm_clv_cust once[2] = { { .T = 10 }, { .T = 20 } };
	assert_int_equal(crm_clv_bgnbd_fit(once, 0, &m), -1);
	/* nobody bought twice: nothing to fit spend on */
	assert_int_equal(crm_clv_gg_fit(once, 2, &g), -1);
	struct crm_clv_cust bad = { .x = 1, .tx = 5, .T = 4 };
	assert_int_equal(crm_clv_bgnbd_fit(&bad, 1, &m), -1);
}

int main(void)
{
	crm_set_progname("test_clv");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_closed_forms),
		cmocka_unit_test(test_gamma_gamma_mean_and_clv),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_fit_recovers),
		cmocka_unit_test(test_fit_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
