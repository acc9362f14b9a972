#!/usr/bin/python3
"""Reference SigV4 signatures for tests/storage/s3/sigv4_test.cpp, computed by botocore.

Run with Debian's interpreter (/usr/bin/python3) and its python3-botocore package; the C++ test
runs this script, so botocore is a test dependency. For each fixed case it prints one JSON
object on its own line: the logical request (bucket path, decoded key, decoded query, headers,
body, credentials, time) and what botocore's S3SigV4Auth produced for it (canonical URI,
payload hash, canonical request, string to sign, Authorization header, signature).

The request is built the way botocore builds S3 requests: the key is percent-encoded once
with botocore.utils.percent_encode(key, safe='/~') (the encoding its REST serializer applies
to S3's greedy {Key+} label), and S3SigV4Auth signs that path as is (S3 paths are neither
normalized nor encoded a second time). Query parameters go in decoded; the signer encodes them.

The signing time is fixed by replacing the datetime module that botocore.auth reads the clock
from (botocore 1.29's add_auth calls datetime.datetime.utcnow()). No case sends a Date header:
botocore would rewrite it to the signing time and drop x-amz-date.
"""

import base64
import datetime
import hashlib
import json
import sys
import types
from unittest import mock

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.utils import percent_encode

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
RGW_ACCESS_KEY = "TESTACCESSKEY0000001"
RGW_SECRET_KEY = "testsecretkey0000000000000000000000000001"
AWS_HOST = "examplebucket.s3.amazonaws.com"
RGW_HOST = "127.0.0.1:7480"

T_2013_05_24 = 1369353600  # 20130524T000000Z, the time of AWS's documented examples
T_LEAP_DAY = 1709251199  # 20240229T235959Z
T_NEW_YEAR = 1704067200  # 20240101T000000Z


def case(name, method, host, path_prefix, key="", query=None, headers=None, body=None,
         unsigned=False, token="", access_key=ACCESS_KEY, secret_key=SECRET_KEY,
         region="us-east-1", unix_seconds=T_2013_05_24):
    return {
        "name": name,
        "method": method,
        "path_prefix": path_prefix,
        "key": key,
        "query": [list(pair) for pair in (query or [])],
        "headers": [["Host", host]] + [list(pair) for pair in (headers or [])],
        "body": body,
        "unsigned": unsigned,
        "access_key": access_key,
        "secret_key": secret_key,
        "session_token": token,
        "region": region,
        "service": "s3",
        "unix_seconds": unix_seconds,
    }


def content_md5(body):
    return base64.b64encode(hashlib.md5(body.encode("utf-8")).digest()).decode("ascii")


def content_length(body):
    return str(len(body.encode("utf-8")))


PART_BODY = "part three payload\r\n"
JSONL_BODY = '{"a":1}\n{"a":2,"b":"ünï"}\n'
UPLOAD_ID = "2~VXBsb2FkSWQ.with_odd/chars+and=pad=="
COMPLETE_BODY = (
    "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
    "<ETag>\"a54357aff0632cce46d942af68356b38\"</ETag></Part></CompleteMultipartUpload>"
)
DELETE_BODY = (
    "<Delete><Quiet>true</Quiet><Object><Key>raw/a b.jsonl</Key></Object></Delete>"
)

CASES = [
    case("aws_get_object_range", "GET", AWS_HOST, "/", "test.txt",
         headers=[("Range", "bytes=0-9")]),
    case("aws_list_objects", "GET", AWS_HOST, "/",
         query=[("prefix", "J"), ("max-keys", "2")]),
    case("key_with_spaces", "GET", RGW_HOST, "/lake/", "raw/my file  with spaces.jsonl",
         access_key=RGW_ACCESS_KEY, secret_key=RGW_SECRET_KEY, unix_seconds=T_NEW_YEAR),
    case("key_unicode", "GET", RGW_HOST, "/lake/",
         "trusted/genre=música/ünïcødé-日本語-😀.parquet",
         access_key=RGW_ACCESS_KEY, secret_key=RGW_SECRET_KEY),
    case("key_plus_equals_ampersand", "HEAD", RGW_HOST, "/lake/",
         "enriched/date=2024-02-29/a+b=c&d;e,f:g@h$i.parquet",
         access_key=RGW_ACCESS_KEY, secret_key=RGW_SECRET_KEY, unix_seconds=T_LEAP_DAY),
    case("key_sub_delims", "DELETE", RGW_HOST, "/lake/", "odd/~tilde!bang*star'quote(paren)#%?",
         access_key=RGW_ACCESS_KEY, secret_key=RGW_SECRET_KEY),
    case("key_nested_slashes", "GET", RGW_HOST, "/lake/", "/leading//double///triple/./../x",
         access_key=RGW_ACCESS_KEY, secret_key=RGW_SECRET_KEY),
    case("list_v2_continuation", "GET", RGW_HOST, "/lake",
         query=[("list-type", "2"), ("prefix", "raw/date=2024-01-01/"), ("delimiter", "/"),
                ("continuation-token", "1/AbC+dEf/gh==")],
         access_key=RGW_ACCESS_KEY, secret_key=RGW_SECRET_KEY, unix_seconds=T_NEW_YEAR),
    case("create_multipart_upload", "POST", RGW_HOST, "/lake/", "big/part file.parquet",
         query=[("uploads", "")], headers=[("Content-Type", "application/octet-stream")],
         body="", access_key=RGW_ACCESS_KEY, secret_key=RGW_SECRET_KEY),
    case("upload_part", "PUT", RGW_HOST, "/lake/", "big/part file.parquet",
         query=[("uploadId", UPLOAD_ID), ("partNumber", "3")],
         headers=[("Content-Length", content_length(PART_BODY))], body=PART_BODY,
         access_key=RGW_ACCESS_KEY, secret_key=RGW_SECRET_KEY),
    case("complete_multipart_upload", "POST", RGW_HOST, "/lake/", "big/part file.parquet",
         query=[("uploadId", UPLOAD_ID)], headers=[("Content-Type", "application/xml")],
         body=COMPLETE_BODY, access_key=RGW_ACCESS_KEY, secret_key=RGW_SECRET_KEY),
    case("headers_spacing_and_case", "GET", AWS_HOST, "/", "report/summary.json",
         headers=[("X-Amz-Meta-Note", "  several   inner\t\tspaces  and a tab "),
                  ("Content-Type", " application/json "),
                  ("iF-nOnE-mAtCh", "\"0123456789abcdef\""),
                  ("x-AMZ-meta-Empty", "")]),
    case("session_token", "GET", AWS_HOST, "/", "trusted/events.parquet",
         headers=[("Range", "bytes=100-199")],
         token="FwoGZXIvYXdzEJr//////////wEaDOr+token/with=padding==",
         region="eu-west-1", unix_seconds=T_LEAP_DAY),
    case("unsigned_payload_put", "PUT", AWS_HOST, "/", "landing/big upload.bin",
         headers=[("Content-Length", content_length("hello world"))], body="hello world",
         unsigned=True),
    case("put_with_body_hash", "PUT", RGW_HOST, "/lake/", "raw/date=2024-02-29/part-0.jsonl",
         headers=[("Content-Type", "application/x-ndjson"),
                  ("Content-Length", content_length(JSONL_BODY)), ("x-amz-meta-rows", "2")],
         body=JSONL_BODY,
         access_key=RGW_ACCESS_KEY, secret_key=RGW_SECRET_KEY, unix_seconds=T_LEAP_DAY),
    case("copy_object", "PUT", RGW_HOST, "/lake/", "published/dest file.parquet",
         headers=[("x-amz-copy-source",
                   percent_encode("lake/staging/src file+1.parquet", safe="/~")),
                  ("x-amz-metadata-directive", "COPY")],
         body="", access_key=RGW_ACCESS_KEY, secret_key=RGW_SECRET_KEY),
    case("put_with_content_md5", "PUT", AWS_HOST, "/", "report/report.html",
         headers=[("Content-MD5", content_md5("hello")), ("Content-Type", "text/html")],
         body="hello"),
    case("delete_objects", "POST", RGW_HOST, "/lake", query=[("delete", "")],
         headers=[("Content-MD5", content_md5(DELETE_BODY)),
                  ("Content-Type", "application/xml")],
         body=DELETE_BODY, access_key=RGW_ACCESS_KEY, secret_key=RGW_SECRET_KEY),
]


class _FixedClock(datetime.datetime):
    """A datetime class whose utcnow() is the signing time of the case being signed."""

    now_utc = datetime.datetime(1970, 1, 1)

    @classmethod
    def utcnow(cls):
        return cls.now_utc


def sign(spec):
    path = spec["path_prefix"] + percent_encode(spec["key"], safe="/~")
    request = AWSRequest(
        method=spec["method"],
        url="https://" + spec["headers"][0][1] + path,
        data=None if spec["body"] is None else spec["body"].encode("utf-8"),
        params=dict((name, value) for name, value in spec["query"]),
    )
    for name, value in spec["headers"]:
        request.headers[name] = value
    if spec["unsigned"]:
        request.context["client_config"] = Config(s3={"payload_signing_enabled": False})

    credentials = Credentials(spec["access_key"], spec["secret_key"],
                              spec["session_token"] or None)
    signer = botocore.auth.S3SigV4Auth(credentials, spec["service"], spec["region"])
    # Record the intermediate strings add_auth computes (recomputing them afterwards would see
    # the headers add_auth added, Authorization included).
    recorded = {}

    def recording(method_name):
        original = getattr(signer, method_name)

        def wrapper(*args):
            recorded[method_name] = original(*args)
            return recorded[method_name]

        setattr(signer, method_name, wrapper)

    for method_name in ("canonical_request", "string_to_sign", "signature"):
        recording(method_name)

    _FixedClock.now_utc = datetime.datetime.fromtimestamp(
        spec["unix_seconds"], datetime.timezone.utc).replace(tzinfo=None)
    clock_module = types.SimpleNamespace(datetime=_FixedClock)
    with mock.patch.object(botocore.auth, "datetime", clock_module):
        signer.add_auth(request)

    authorization = request.headers["Authorization"]
    if not authorization.endswith("Signature=" + recorded["signature"]):
        raise RuntimeError(f"{spec['name']}: Authorization does not carry the signature")
    out = dict(spec)
    out.update({
        "canonical_uri": path,
        "amz_date": request.context["timestamp"],
        "payload_sha256": request.headers["X-Amz-Content-SHA256"],
        "body_sha256": hashlib.sha256((spec["body"] or "").encode("utf-8")).hexdigest(),
        "canonical_request": recorded["canonical_request"],
        "string_to_sign": recorded["string_to_sign"],
        "authorization": authorization,
        "signature": recorded["signature"],
    })
    return out


def main():
    print(json.dumps({"botocore_version": botocore.__version__, "cases": len(CASES)}))
    for spec in CASES:
        print(json.dumps(sign(spec), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
