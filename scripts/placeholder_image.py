#!/usr/bin/env python

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Push a tiny placeholder image to an ECR repository through the ECR API (no Docker needed).

`make demo` uses it so that the emulator's registry holds an image before the first deploy, as a real
account must (the deploy stops before any change when the tag is missing). The image is a valid Docker
image manifest (schema 2) with one config blob and one empty layer; it runs nothing, so on a real
account push your own application image instead (README, "First time on a real AWS account").

    python scripts/placeholder_image.py --region eu-west-1 --repository payment-processor --tag latest
"""

import argparse
import gzip
import hashlib
import io
import json
import tarfile

import boto3

CONFIG_MEDIA_TYPE = "application/vnd.docker.container.image.v1+json"
LAYER_MEDIA_TYPE = "application/vnd.docker.image.rootfs.diff.tar.gzip"
MANIFEST_MEDIA_TYPE = "application/vnd.docker.distribution.manifest.v2+json"


def _upload(client, repository, blob):
    """Upload one blob (a layer or the config) and return its digest, as `docker push` does."""
    upload = client.initiate_layer_upload(repositoryName=repository)
    client.upload_layer_part(repositoryName=repository, uploadId=upload["uploadId"], partFirstByte=0,
                             partLastByte=len(blob) - 1, layerPartBlob=blob)
    digest = "sha256:" + hashlib.sha256(blob).hexdigest()
    client.complete_layer_upload(repositoryName=repository, uploadId=upload["uploadId"], layerDigests=[digest])
    return digest


def push(client, repository, tag, label="placeholder"):
    """Push a placeholder image tagged `tag`; a different `label` gives a different image. Returns its digest."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("placeholder")
        data = label.encode()
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    diff = buffer.getvalue()
    layer = gzip.compress(diff, mtime=0)
    config = json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {"Labels": {"payments.platform.placeholder": label}},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(diff).hexdigest()]},
    }).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_MEDIA_TYPE,
        "config": {"mediaType": CONFIG_MEDIA_TYPE, "size": len(config), "digest": _upload(client, repository, config)},
        "layers": [{"mediaType": LAYER_MEDIA_TYPE, "size": len(layer), "digest": _upload(client, repository, layer)}],
    }
    image = client.put_image(repositoryName=repository, imageManifest=json.dumps(manifest), imageTag=tag,
                             imageManifestMediaType=MANIFEST_MEDIA_TYPE)["image"]
    return image["imageId"]["imageDigest"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", required=True)
    parser.add_argument("--repository", required=True)
    parser.add_argument("--tag", required=True)
    parser.add_argument("--label", default="placeholder", help="different labels give different images")
    args = parser.parse_args(argv)
    client = boto3.client("ecr", region_name=args.region)
    try:
        digest = push(client, args.repository, args.tag, args.label)
    except client.exceptions.ImageAlreadyExistsException:
        print(f"{args.repository}:{args.tag} already names this image in {args.region}")
        return 0
    print(f"Pushed {args.repository}:{args.tag} ({digest}) in {args.region}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
