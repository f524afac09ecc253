"""`privet serve`, plus the bare endpoint the consent bench compares against.

`POST /bench/bare` reads the request body and answers 204: the same process, middleware
and HTTP stack as `POST /api/v1/consents`, without validation, encryption or the
database. Only the bench starts this; privet itself has no such route.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn
from fastapi import Request, Response

from privet.cli.common import clock_for, policy_from, settings_from, store_from
from privet.web.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for option in ("--host", "--port", "--policy", "--db"):
        parser.add_argument(option, required=True)
    args = parser.parse_args()
    settings = settings_from(Path(args.policy), args.db)
    clock = clock_for(None)
    app = create_app(settings, policy_from(settings), store_from(settings, clock), clock)

    @app.post("/bench/bare", status_code=204)
    async def bare(request: Request) -> Response:
        await request.body()
        return Response(status_code=204)

    uvicorn.run(app, host=args.host, port=int(args.port), log_config=None, access_log=False)


if __name__ == "__main__":
    main()
