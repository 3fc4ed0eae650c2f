/* clv.c: the BG/NBD and Gamma-Gamma models (see clv.h). */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_hyperg.h>

#include "clv.h"
#include "err.h"

/* GSL's default handler aborts; every call here checks its status */
static void quiet_gsl(void)
{
	static int done;
	if (!done) {
		gsl_set_error_handler_off();
		done = 1;
	}
}

int crm_clv_summary(const int64_t *days, const double *values, size_t n, int64_t end,
		    double unit_days, struct crm_clv_cust *out)
{
	size_t k = 0, purchases = 0;
	int64_t first = 0, last = 0, day = 0;
	double repeat = 0, cur = 0;
	for (; k < n && days[k] <= end; k++) {
		if (purchases == 0 || days[k] != day) {
			if (purchases > 1)
				repeat += cur;
			if (purchases == 0)
				first = days[k];
			day = days[k];
			cur = 0;
			purchases++;
		}
		cur += values[k];
		last = days[k];
	}
	if (purchases == 0)
		return -1;
	if (purchases > 1)
		repeat += cur;
	out->x = (double)(purchases - 1);
	out->tx = (double)(last - first) / unit_days;
	out->T = (double)(end - first) / unit_days;
	out->m = purchases > 1 ? repeat / (double)(purchases - 1) : 0;
	return 0;
}

/* log(e^u + e^v) */
static double log_add(double u, double v)
{
	if (u < v) {
		double t = u;
		u = v;
		v = t;
	}
	return v == -INFINITY ? u : u + log1p(exp(v - u));
}

double crm_clv_log_hyp2f1(double a, double b, double c, double z)
{
	if (!(a > 0 && b > 0 && c > 0 && z >= 0 && z < 1))
		return NAN;
	if (z == 0)
		return 0;
	quiet_gsl();
	gsl_sf_result res;
	/* GSL's error estimate is honest where it fails (near z = 1 with
	 * some parameters it says so, or overflows) */
	if (gsl_sf_hyperg_2F1_e(a, b, c, z, &res) == GSL_SUCCESS && isfinite(res.val) &&
	    res.val > 0 && res.err <= 1e-10 * res.val)
		return log(res.val);
	/* sum_n (a)_n (b)_n / (c)_n z^n / n!, its terms all positive, scaled
	 * by e^-shift against overflow: term m+1 is term m times z
	 * (a+m)/(m+1) (b+m)/(c+m) (or paired the other way).  Each factor is
	 * monotonic in m, so for every m >= n it is below the larger of its
	 * value at n and its limit 1: with q the product of those bounds (the
	 * better pairing), once q < 1 the rest of the sum is below
	 * term q / (1 - q). */
	const double big = 1e250;
	double t = 1, sum = 1, shift = 0;
	for (long k = 0;; k++) {
		if (k == 100000000L)	/* z within about 4e-7 of 1: give up */
			return NAN;
		double n = (double)k, m = n + 1;
		t *= (a + n) * z / (n + 1) * ((b + n) / (c + n));
		sum += t;
		if (sum > big) {
			t /= big;
			sum /= big;
			shift += log(big);
		}
		double q1 = fmax((a + m) / (m + 1), 1) * fmax((b + m) / (c + m), 1);
		double q2 = fmax((b + m) / (m + 1), 1) * fmax((a + m) / (c + m), 1);
		double q = z * fmin(q1, q2);
		if (q < 1 && t * q / (1 - q) < 1e-15 * sum)
			break;
	}
	return shift + log(sum);
}

/* BG/NBD */

struct bg_data {
	const struct crm_clv_cust *c;
	size_t n;
	long xmax;
	double *cache;		/* per x: the terms that depend only on x */
	unsigned char *seen;
	/* T and t_x take few distinct values (whole days): their logs are
	 * taken once per value, not once per customer */
	double *vals, *logs;	/* the distinct values, sorted; log(alpha + value) */
	size_t nvals;
	size_t *iT, *itx;	/* customer i's values in vals */
};

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

static size_t find_val(const double *vals, size_t n, double v)
{
	size_t lo = 0, hi = n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (vals[mid] <= v)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static void bg_index(struct bg_data *d)
{
	size_t n = d->n, k = 0;
	d->vals = crm_xcalloc(2 * n, sizeof *d->vals);
	for (size_t i = 0; i < n; i++) {
		d->vals[2 * i] = d->c[i].T;
		d->vals[2 * i + 1] = d->c[i].tx;
	}
	qsort(d->vals, 2 * n, sizeof *d->vals, cmp_double);
	for (size_t i = 0; i < 2 * n; i++)
		if (k == 0 || d->vals[i] != d->vals[k - 1])
			d->vals[k++] = d->vals[i];
	d->nvals = k;
	d->logs = crm_xcalloc(k, sizeof *d->logs);
	d->iT = crm_xcalloc(n, sizeof *d->iT);
	d->itx = crm_xcalloc(n, sizeof *d->itx);
	for (size_t i = 0; i < n; i++) {
		d->iT[i] = find_val(d->vals, k, d->c[i].T);
		d->itx[i] = find_val(d->vals, k, d->c[i].tx);
	}
}

/* the terms of customer i's likelihood that depend only on x: log of
 * Gamma(r+x) alpha^r / Gamma(r) and of B(a, b+x) / B(a, b), and of
 * a / (b + x - 1) */
static void bg_terms(double r, double alpha, double a, double b, double x, double t[3])
{
	t[0] = gsl_sf_lngamma(r + x) - gsl_sf_lngamma(r) + r * log(alpha);
	t[1] = gsl_sf_lngamma(a + b) + gsl_sf_lngamma(b + x) - gsl_sf_lngamma(b) -
	       gsl_sf_lngamma(a + b + x);
	t[2] = x > 0 ? log(a) - log(b + x - 1) : 0;
}

/* log L of one customer from the x terms t and log(alpha + T), log(alpha + t_x) */
static double bg_one(double r, const double t[3], double x, double lT, double ltx)
{
	double l = -(r + x) * lT;
	if (x > 0)
		l = log_add(l, t[2] - (r + x) * ltx);
	return t[0] + t[1] + l;
}

double crm_clv_bgnbd_ll(const struct crm_clv_bgnbd *m, const struct crm_clv_cust *c, size_t n)
{
	double ll = 0, t[3];
	for (size_t i = 0; i < n; i++) {
		bg_terms(m->r, m->alpha, m->a, m->b, c[i].x, t);
		ll += bg_one(m->r, t, c[i].x, log(m->alpha + c[i].T), log(m->alpha + c[i].tx));
	}
	return ll;
}

/* minus the mean log-likelihood at exp(v) */
static double bg_f(const gsl_vector *v, void *p)
{
	struct bg_data *d = p;
	double r = exp(gsl_vector_get(v, 0)), alpha = exp(gsl_vector_get(v, 1));
	double a = exp(gsl_vector_get(v, 2)), b = exp(gsl_vector_get(v, 3));
	double ll = 0;
	if (!(isfinite(r) && isfinite(alpha) && isfinite(a) && isfinite(b) && r > 0 && alpha > 0 &&
	      a > 0 && b > 0))
		return GSL_POSINF;
	for (long x = 0; x <= d->xmax; x++)
		if (d->seen[x])
			bg_terms(r, alpha, a, b, (double)x, d->cache + 3 * x);
	for (size_t i = 0; i < d->nvals; i++)
		d->logs[i] = log(alpha + d->vals[i]);
	for (size_t i = 0; i < d->n; i++)
		ll += bg_one(r, d->cache + 3 * (long)d->c[i].x, d->c[i].x, d->logs[d->iT[i]],
			     d->logs[d->itx[i]]);
	ll = -ll / (double)d->n;
	return isfinite(ll) ? ll : GSL_POSINF;
}

/* Nelder-Mead over k log-parameters from x0 (in and out): 0, or -1 when
 * it did not converge in the iterations allowed.  Restarted from where
 * it stopped until a restart no longer moves it, as a simplex can settle
 * before the minimum. */
static int simplex(gsl_multimin_function *f, double *x0, size_t k, double *fmin, int *iters)
{
	const gsl_multimin_fminimizer_type *T = gsl_multimin_fminimizer_nmsimplex2;
	gsl_multimin_fminimizer *s = gsl_multimin_fminimizer_alloc(T, k);
	gsl_vector *x = gsl_vector_alloc(k), *step = gsl_vector_alloc(k);
	int st = -1, total = 0;
	double prev = GSL_POSINF;
	quiet_gsl();
	for (int round = 0; round < 20; round++) {
		int status = GSL_CONTINUE, it = 0;
		for (size_t i = 0; i < k; i++) {
			gsl_vector_set(x, i, x0[i]);
			gsl_vector_set(step, i, round == 0 ? 1.0 : 0.05);
		}
		if (gsl_multimin_fminimizer_set(s, f, x, step) != GSL_SUCCESS)
			break;
		while (status == GSL_CONTINUE && it < 10000) {
			it++;
			if (gsl_multimin_fminimizer_iterate(s) != GSL_SUCCESS)
				break;
			status = gsl_multimin_test_size(gsl_multimin_fminimizer_size(s), 1e-7);
		}
		total += it;
		if (status != GSL_SUCCESS || !isfinite(s->fval))
			break;
		for (size_t i = 0; i < k; i++)
			x0[i] = gsl_vector_get(s->x, i);
		*fmin = s->fval;
		/* f is a mean over customers: 1e-10 of it is far below what
		 * the data can tell */
		if (prev - s->fval <= 1e-10 * (1 + fabs(s->fval))) {
			st = 0;
			break;
		}
		prev = s->fval;
	}
	*iters = total;
	gsl_vector_free(x);
	gsl_vector_free(step);
	gsl_multimin_fminimizer_free(s);
	return st;
}

int crm_clv_bgnbd_fit(const struct crm_clv_cust *c, size_t n, struct crm_clv_bgnbd *out)
{
	struct bg_data d = { .c = c, .n = n };
	double x0[4] = { 0, 0, 0, 0 }, fmin = 0, sx = 0, st = 0;
	int it = 0, rc;
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!(c[i].x >= 0 && c[i].x < 1e7 && c[i].tx >= 0 && c[i].T >= c[i].tx))
			return -1;
		if ((long)c[i].x > d.xmax)
			d.xmax = (long)c[i].x;
		sx += c[i].x;
		st += c[i].T;
	}
	d.cache = crm_xcalloc((size_t)d.xmax + 1, 3 * sizeof *d.cache);
	d.seen = crm_xcalloc((size_t)d.xmax + 1, 1);
	for (size_t i = 0; i < n; i++)
		d.seen[(long)c[i].x] = 1;
	bg_index(&d);
	/* start at r = 1 and alpha at the mean age over the mean count, so
	 * that r / alpha is about the purchase rate; a = 1, b = 1 */
	x0[1] = log(st > 0 ? (st / (double)n) / (1 + sx / (double)n) : 1);
	if (!isfinite(x0[1]))
		x0[1] = 0;
	gsl_multimin_function f = { bg_f, 4, &d };
	rc = simplex(&f, x0, 4, &fmin, &it);
	free(d.cache);
	free(d.seen);
	free(d.vals);
	free(d.logs);
	free(d.iT);
	free(d.itx);
	if (rc)
		return -1;
	out->r = exp(x0[0]);
	out->alpha = exp(x0[1]);
	out->a = exp(x0[2]);
	out->b = exp(x0[3]);
	out->ll = -fmin * (double)n;
	out->iterations = it;
	return 0;
}

double crm_clv_bgnbd_ex(const struct crm_clv_bgnbd *m, double t)
{
	double r = m->r, alpha = m->alpha, a = m->a, b = m->b;
	if (t <= 0)
		return 0;
	double z = t / (alpha + t);
	double l = r * log(alpha / (alpha + t)) + crm_clv_log_hyp2f1(r, b, a + b - 1, z);
	/* (a+b-1)/(a-1) (1 - e^l): both factors change sign at a = 1 */
	if (fabs(a - 1) < 1e-9)
		return NAN;
	return (a + b - 1) / (a - 1) * -expm1(l);
}

double crm_clv_bgnbd_ey(const struct crm_clv_bgnbd *m, const struct crm_clv_cust *c, double t)
{
	double r = m->r, alpha = m->alpha, a = m->a, b = m->b, x = c->x;
	if (t <= 0)
		return 0;
	if (fabs(a - 1) < 1e-9)
		return NAN;
	double z = t / (alpha + c->T + t);
	double l = (r + x) * log((alpha + c->T) / (alpha + c->T + t)) +
		   crm_clv_log_hyp2f1(r + x, b + x, a + b + x - 1, z);
	double num = (a + b + x - 1) / (a - 1) * -expm1(l);
	double den = 1;
	if (x > 0)
		den += a / (b + x - 1) * exp((r + x) * log((alpha + c->T) / (alpha + c->tx)));
	return num / den;
}

double crm_clv_p_alive(const struct crm_clv_bgnbd *m, const struct crm_clv_cust *c)
{
	if (c->x <= 0)
		return 1;
	double l = log(m->a) - log(m->b + c->x - 1) +
		   (m->r + c->x) * log((m->alpha + c->T) / (m->alpha + c->tx));
	return 1 / (1 + exp(l));
}

/* Gamma-Gamma */

/* log f(m | p, q, gamma, x): lg is lgamma(px + q) - lgamma(px) - lgamma(q),
 * lm = log m, lx = log x */
static double gg_one(double p, double q, double g, double lg, double x, double m, double lm,
		     double lx)
{
	double px = p * x;
	return lg + q * log(g) + (px - 1) * lm + px * lx - (px + q) * log(g + m * x);
}

double crm_clv_gg_ll(const struct crm_clv_gg *g, const struct crm_clv_cust *c, size_t n)
{
	double ll = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(c[i].x > 0 && c[i].m > 0))
			continue;
		double px = g->p * c[i].x;
		double lg = gsl_sf_lngamma(px + g->q) - gsl_sf_lngamma(px) - gsl_sf_lngamma(g->q);
		ll += gg_one(g->p, g->q, g->gamma, lg, c[i].x, c[i].m, log(c[i].m), log(c[i].x));
	}
	return ll;
}

struct gg_data {
	size_t used;
	long xmax;
	double *x, *m, *lm, *lx;	/* the customers with x > 0 and m > 0 */
	long *xi;
	double *lg;			/* per x: the lgamma terms */
	unsigned char *seen;
};

static double gg_f(const gsl_vector *v, void *arg)
{
	struct gg_data *d = arg;
	double p = exp(gsl_vector_get(v, 0)), q = exp(gsl_vector_get(v, 1));
	double g = exp(gsl_vector_get(v, 2)), ll = 0;
	if (!(isfinite(p) && isfinite(q) && isfinite(g) && p > 0 && q > 0 && g > 0))
		return GSL_POSINF;
	double lq = gsl_sf_lngamma(q);
	for (long x = 1; x <= d->xmax; x++)
		if (d->seen[x])
			d->lg[x] = gsl_sf_lngamma(p * (double)x + q) - gsl_sf_lngamma(p * (double)x) - lq;
	for (size_t i = 0; i < d->used; i++)
		ll += gg_one(p, q, g, d->lg[d->xi[i]], d->x[i], d->m[i], d->lm[i], d->lx[i]);
	ll = -ll / (double)d->used;
	return isfinite(ll) ? ll : GSL_POSINF;
}

int crm_clv_gg_fit(const struct crm_clv_cust *c, size_t n, struct crm_clv_gg *out)
{
	struct gg_data d = { 0 };
	double x0[3] = { 0, 0, 0 }, fmin = 0, sm = 0;
	int it = 0, rc;
	for (size_t i = 0; i < n; i++) {
		if (c[i].x > 0 && c[i].m > 0) {
			if (!(c[i].x < 1e7 && isfinite(c[i].m)))
				return -1;
			d.used++;
			sm += c[i].m;
			if ((long)c[i].x > d.xmax)
				d.xmax = (long)c[i].x;
		}
	}
	if (d.used == 0)
		return -1;
	d.x = crm_xcalloc(d.used, sizeof *d.x);
	d.m = crm_xcalloc(d.used, sizeof *d.m);
	d.lm = crm_xcalloc(d.used, sizeof *d.lm);
	d.lx = crm_xcalloc(d.used, sizeof *d.lx);
	d.xi = crm_xcalloc(d.used, sizeof *d.xi);
	d.lg = crm_xcalloc((size_t)d.xmax + 1, sizeof *d.lg);
	d.seen = crm_xcalloc((size_t)d.xmax + 1, 1);
	for (size_t i = 0, k = 0; i < n; i++) {
		if (!(c[i].x > 0 && c[i].m > 0))
			continue;
		/* x counts whole purchases */
		d.xi[k] = (long)c[i].x;
		d.x[k] = (double)d.xi[k];
		d.m[k] = c[i].m;
		d.lm[k] = log(c[i].m);
		d.lx[k] = log(d.x[k]);
		d.seen[d.xi[k]] = 1;
		k++;
	}
	/* p = 1, q = 2: gamma = mean spend, so that E[M] = gamma p / (q - 1)
	 * starts at the mean */
	x0[1] = log(2);
	x0[2] = log(sm / (double)d.used);
	gsl_multimin_function f = { gg_f, 3, &d };
	rc = simplex(&f, x0, 3, &fmin, &it);
	free(d.x);
	free(d.m);
	free(d.lm);
	free(d.lx);
	free(d.xi);
	free(d.lg);
	free(d.seen);
	if (rc)
		return -1;
	out->p = exp(x0[0]);
	out->q = exp(x0[1]);
	out->gamma = exp(x0[2]);
	out->ll = -fmin * (double)d.used;
	out->iterations = it;
	out->n = d.used;
	return 0;
}

double crm_clv_gg_mean(const struct crm_clv_gg *g, const struct crm_clv_cust *c)
{
	double x = c->x > 0 && c->m > 0 ? c->x : 0;
	if (g->q <= 1)
		return NAN;
	return (g->gamma + c->m * x) * g->p / (g->p * x + g->q - 1);
}

double crm_clv_value(const struct crm_clv_bgnbd *m, const struct crm_clv_gg *g,
		     const struct crm_clv_cust *c, int horizon, double period, double rate)
{
	double spend = crm_clv_gg_mean(g, c), prev = 0, sum = 0, disc = 1;
	for (int k = 1; k <= horizon; k++) {
		double ey = crm_clv_bgnbd_ey(m, c, k * period);
		disc /= 1 + rate;
		sum += (ey - prev) * spend * disc;
		prev = ey;
	}
	return sum;
}
