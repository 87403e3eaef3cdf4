"""regiokpi's C ABI (include/regiokpi/regiokpi.h) from Python through ctypes, standard library only.

A thin, explicit binding: the struct layouts below mirror the header field by field, every call's
status is checked, and the handles are freed by context managers (or close()).

    lib = load_library("build/release/libregiokpi.so")
    with Programme(lib, "programme.json") as prog, Store(lib) as store:
        store.ingest_csv_file("measurements.csv", programme=prog)
        with Report(lib, prog, store, as_of="2022-12-31") as rep:
            for row in rep.indicators():
                print(row["id"], row["status"])
"""

import ctypes
import datetime
import math
import os

# Status codes and enumerations, as in regiokpi.h (their values never change).
RK_OK = 0
RK_INGEST_OPTIONS_VERSION = 1
RK_EVALUATE_OPTIONS_VERSION = 1
RK_TRAJECTORY_LINEAR = 0
RK_PERIOD_QUARTER = 3
RK_FORMAT_JSON = 0
NO_DAY = -(2**31)  # INT32_MIN: a missing date


class RkIngestOptions(ctypes.Structure):
    _fields_ = [
        ("version", ctypes.c_uint32),
        ("programme", ctypes.c_void_p),
        ("source_name", ctypes.c_char_p),
        ("max_errors", ctypes.c_size_t),
    ]


class RkEvaluateOptions(ctypes.Structure):
    _fields_ = [
        ("version", ctypes.c_uint32),
        ("as_of", ctypes.c_char_p),
        ("as_recorded_on", ctypes.c_char_p),
        ("trajectory", ctypes.c_int),  # C enums are int-sized on every supported ABI
        ("series_period", ctypes.c_int),
        ("forecast_level", ctypes.c_double),
    ]


class RkIndicatorProgress(ctypes.Structure):
    _fields_ = [
        ("id", ctypes.c_char_p),
        ("name", ctypes.c_char_p),
        ("unit", ctypes.c_char_p),
        ("actual", ctypes.c_double),
        ("baseline", ctypes.c_double),
        ("target", ctypes.c_double),
        ("target_day", ctypes.c_int32),
        ("final_target", ctypes.c_double),
        ("achievement", ctypes.c_double),
        ("final_achievement", ctypes.c_double),
        ("expected", ctypes.c_double),
        ("gap", ctypes.c_double),
        ("status", ctypes.c_int),
        ("forecast_value", ctypes.c_double),
        ("forecast_low", ctypes.c_double),
        ("forecast_high", ctypes.c_double),
        ("forecast_eta_day", ctypes.c_int32),
        ("coverage_met", ctypes.c_int64),
        ("coverage_total", ctypes.c_int64),
    ]


class RegiokpiError(Exception):
    """A failed regiokpi call: status is the RK_E_* code, the message is rk_last_error()."""

    def __init__(self, status, name, message):
        super().__init__(f"{name} ({status}): {message}")
        self.status = status


def find_library(argument=None):
    """The shared library's path: the argument, else $REGIOKPI_LIBRARY; None when neither is set."""
    return argument or os.environ.get("REGIOKPI_LIBRARY") or None


def load_library(path):
    """Loads libregiokpi.so and declares the signatures this module uses."""
    lib = ctypes.CDLL(path)
    p, sz, i32, cstr = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_char_p
    pp = ctypes.POINTER(ctypes.c_void_p)
    sigs = {
        "rk_version": (cstr, []),
        "rk_version_number": (i32, []),
        "rk_last_error": (cstr, []),
        "rk_status_name": (cstr, [i32]),
        "rk_progress_status_name": (cstr, [i32]),
        "rk_free": (None, [p]),
        "rk_programme_load_file": (i32, [pp, cstr]),
        "rk_programme_destroy": (None, [p]),
        "rk_programme_id": (cstr, [p]),
        "rk_programme_name": (cstr, [p]),
        "rk_store_create": (i32, [pp]),
        "rk_store_destroy": (None, [p]),
        "rk_store_size": (sz, [p]),
        "rk_store_ingest_csv_file": (i32, [p, cstr, ctypes.POINTER(RkIngestOptions)]),
        "rk_evaluate": (i32, [pp, p, p, ctypes.POINTER(RkEvaluateOptions)]),
        "rk_report_destroy": (None, [p]),
        "rk_report_indicator_count": (sz, [p]),
        "rk_report_get_indicator": (i32, [p, sz, ctypes.POINTER(RkIndicatorProgress)]),
        "rk_report_render": (i32, [ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(sz), p, i32]),
    }
    for name, (restype, argtypes) in sigs.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


def check(lib, status):
    """Raises RegiokpiError for a non-zero status, with the calling thread's rk_last_error()."""
    if status != RK_OK:
        raise RegiokpiError(status, lib.rk_status_name(status).decode(), lib.rk_last_error().decode())


def day_to_iso(day):
    """A day number (days since 1970-01-01) as "YYYY-MM-DD"; None for INT32_MIN (no date)."""
    if day == NO_DAY:
        return None
    return (datetime.date(1970, 1, 1) + datetime.timedelta(days=day)).isoformat()


def _number(x):
    # The C ABI reports a missing number as NaN; Python callers get None, like the JSON report's null.
    return None if math.isnan(x) else x


class _Handle:
    _destroy = None

    def __init__(self, lib):
        self.lib = lib
        self.handle = ctypes.c_void_p()

    def close(self):
        if self.handle:
            getattr(self.lib, self._destroy)(self.handle)
            self.handle = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Programme(_Handle):
    _destroy = "rk_programme_destroy"

    def __init__(self, lib, path):
        super().__init__(lib)
        check(lib, lib.rk_programme_load_file(ctypes.byref(self.handle), os.fsencode(path)))

    @property
    def id(self):
        return self.lib.rk_programme_id(self.handle).decode()

    @property
    def name(self):
        return self.lib.rk_programme_name(self.handle).decode()


class Store(_Handle):
    _destroy = "rk_store_destroy"

    def __init__(self, lib):
        super().__init__(lib)
        check(lib, lib.rk_store_create(ctypes.byref(self.handle)))

    def __len__(self):
        return self.lib.rk_store_size(self.handle)

    def ingest_csv_file(self, path, programme=None):
        """All or nothing; with a programme, rows are validated against it (as `regiokpi report` does)."""
        opts = RkIngestOptions(RK_INGEST_OPTIONS_VERSION, programme.handle if programme else None, None, 0)
        check(self.lib, self.lib.rk_store_ingest_csv_file(self.handle, os.fsencode(path), ctypes.byref(opts)))


class Report(_Handle):
    _destroy = "rk_report_destroy"

    def __init__(self, lib, programme, store, as_of, as_recorded_on=None, forecast_level=0.0):
        super().__init__(lib)
        opts = RkEvaluateOptions(
            RK_EVALUATE_OPTIONS_VERSION,
            as_of.encode(),
            as_recorded_on.encode() if as_recorded_on else None,
            RK_TRAJECTORY_LINEAR,
            RK_PERIOD_QUARTER,
            forecast_level,
        )
        check(lib, lib.rk_evaluate(ctypes.byref(self.handle), programme.handle, store.handle, ctypes.byref(opts)))

    def indicators(self):
        """One dict per indicator, in programme order; missing numbers and dates are None."""
        lib = self.lib
        out = []
        for i in range(lib.rk_report_indicator_count(self.handle)):
            p = RkIndicatorProgress()
            check(lib, lib.rk_report_get_indicator(self.handle, i, ctypes.byref(p)))
            # The strings are borrowed from the report: copy them (decode) before it is destroyed.
            out.append(
                {
                    "id": p.id.decode(),
                    "name": p.name.decode(),
                    "unit": p.unit.decode(),
                    "status": lib.rk_progress_status_name(p.status).decode(),
                    "actual": _number(p.actual),
                    "target": _number(p.target),
                    "target_date": day_to_iso(p.target_day),
                    "achievement": _number(p.achievement),
                    "forecast": _number(p.forecast_value),
                    "forecast_low": _number(p.forecast_low),
                    "forecast_high": _number(p.forecast_high),
                    "forecast_eta": day_to_iso(p.forecast_eta_day),
                }
            )
        return out

    def render(self, fmt=RK_FORMAT_JSON):
        """The rendered report as text (the library's buffer is freed with rk_free)."""
        buf, length = ctypes.c_void_p(), ctypes.c_size_t()
        check(self.lib, self.lib.rk_report_render(ctypes.byref(buf), ctypes.byref(length), self.handle, fmt))
        try:
            return ctypes.string_at(buf, length.value).decode()
        finally:
            self.lib.rk_free(buf)
