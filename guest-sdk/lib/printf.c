/*
 * printf family. Formatting writes into a bounded buffer (vsnprintf); printf formats into a stack buffer and
 * sends it to the console with vmu_console_write. Lines longer than PRINTF_BUF are cut, never overrun.
 */
#include "vmunit.h"
#include "internal.h"

#define PRINTF_BUF 1024

struct out {
	char *buf;
	size_t size; /* capacity including the terminating NUL */
	size_t len;  /* characters produced so far, even those that did not fit */
};

struct spec {
	bool left;     /* '-' */
	bool zero;     /* '0' */
	int width;     /* -1: none */
	int precision; /* -1: none */
	int length;    /* 0 int, 1 long, 2 long long, 3 size_t */
};

static void emit(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		emit(o, c);
}

static void emit_string(struct out *o, const char *s, const struct spec *sp)
{
	size_t n = 0;

	if (!s)
		s = "(null)";
	while (s[n] && (sp->precision < 0 || n < (size_t)sp->precision))
		n++;
	if (!sp->left)
		pad(o, ' ', sp->width - (int)n);
	for (size_t i = 0; i < n; i++)
		emit(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - (int)n);
}

/* Digits of v in `base`, then sign/prefix, precision zeros and padding in printf's order. */
static void emit_number(struct out *o, unsigned long long v, bool negative, unsigned base, bool upper,
			const char *prefix, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, zeros, total, plen = (int)strlen(prefix);

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (sp->precision == 0 && n == 1 && tmp[0] == '0')
		n = 0; /* "%.0d" of zero prints no digits */
	zeros = sp->precision > n ? sp->precision - n : 0;
	total = n + zeros + plen + (negative ? 1 : 0);
	/* '0' pads with zeros after the sign, unless a precision was given or '-' wins. */
	if (sp->zero && !sp->left && sp->precision < 0 && sp->width > total) {
		zeros += sp->width - total;
		total = sp->width;
	}
	if (!sp->left)
		pad(o, ' ', sp->width - total);
	if (negative)
		emit(o, '-');
	for (int i = 0; i < plen; i++)
		emit(o, prefix[i]);
	pad(o, '0', zeros);
	while (n > 0)
		emit(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', sp->width - total);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *va)
{
	*sp = (struct spec){ .width = -1, .precision = -1 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f != ' ' && *f != '+' && *f != '#')
			break; /* ' ', '+', '#' are accepted and ignored */
	}
	if (*f == '*') {
		sp->width = va_arg(*va, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	} else {
		for (; *f >= '0' && *f <= '9'; f++)
			sp->width = (sp->width < 0 ? 0 : sp->width * 10) + (*f - '0');
	}
	if (*f == '.') {
		f++;
		sp->precision = 0;
		if (*f == '*') {
			sp->precision = va_arg(*va, int);
			f++;
		}
		for (; *f >= '0' && *f <= '9'; f++)
			sp->precision = sp->precision * 10 + (*f - '0');
	}
	for (; *f == 'l'; f++)
		sp->length++;
	if (*f == 'z') {
		sp->length = 3;
		f++;
	}
	return f;
}

static unsigned long long arg_unsigned(const struct spec *sp, va_list *va)
{
	switch (sp->length) {
	case 0: return va_arg(*va, unsigned int);
	case 1: return va_arg(*va, unsigned long);
	case 3: return va_arg(*va, size_t);
	default: return va_arg(*va, unsigned long long);
	}
}

static long long arg_signed(const struct spec *sp, va_list *va)
{
	switch (sp->length) {
	case 0: return va_arg(*va, int);
	case 1: return va_arg(*va, long);
	case 3: return (long long)va_arg(*va, size_t);
	default: return va_arg(*va, long long);
	}
}

static void convert(struct out *o, char conv, struct spec *sp, va_list *va)
{
	char c;

	switch (conv) {
	case 'd':
	case 'i': {
		long long v = arg_signed(sp, va);
		unsigned long long mag = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
		emit_number(o, mag, v < 0, 10, false, "", sp);
		break;
	}
	case 'u': emit_number(o, arg_unsigned(sp, va), false, 10, false, "", sp); break;
	case 'x': emit_number(o, arg_unsigned(sp, va), false, 16, false, "", sp); break;
	case 'X': emit_number(o, arg_unsigned(sp, va), false, 16, true, "", sp); break;
	case 'o': emit_number(o, arg_unsigned(sp, va), false, 8, false, "", sp); break;
	case 'p':
		emit_number(o, (uintptr_t)va_arg(*va, void *), false, 16, false, "0x", sp);
		break;
	case 's': emit_string(o, va_arg(*va, const char *), sp); break;
	case 'c':
		c = (char)va_arg(*va, int);
		if (!sp->left)
			pad(o, ' ', sp->width - 1);
		emit(o, c);
		if (sp->left)
			pad(o, ' ', sp->width - 1);
		break;
	case '%': emit(o, '%'); break;
	default: /* unknown conversion: print it as written so the mistake is visible */
		emit(o, '%');
		emit(o, conv);
		break;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list va)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };
	struct spec sp;
	va_list ap;

	va_copy(ap, va);
	while (*fmt) {
		if (*fmt != '%') {
			emit(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &ap);
		if (!*fmt)
			break;
		convert(&o, *fmt++, &sp, &ap);
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list va;
	int n;

	va_start(va, fmt);
	n = vsnprintf(buf, size, fmt, va);
	va_end(va);
	return n;
}

/* One writer at a time, so that lines printed by several CPUs do not interleave. */
static struct spinlock console_lock;

void vmu_console_write(const char *s, size_t n)
{
	spin_lock(&console_lock);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			vmu_arch_putc('\r');
		vmu_arch_putc(s[i]);
	}
	spin_unlock(&console_lock);
}

int vprintf(const char *fmt, va_list va)
{
	char buf[PRINTF_BUF];
	int n = vsnprintf(buf, sizeof(buf), fmt, va);

	vmu_console_write(buf, strlen(buf));
	return n;
}

int printf(const char *fmt, ...)
{
	va_list va;
	int n;

	va_start(va, fmt);
	n = vprintf(fmt, va);
	va_end(va);
	return n;
}

int putchar(int c)
{
	char ch = (char)c;

	vmu_console_write(&ch, 1);
	return (unsigned char)c;
}
