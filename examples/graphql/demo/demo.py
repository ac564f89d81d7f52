"""The GraphQL toolkit from Python: the component built from
examples/graphql, through the package `weft bindgen --lang python` made
(`toolkit`). Run by scripts/demo.sh."""

from __future__ import annotations

import pathlib

from toolkit import graphql as gql

CORPUS = pathlib.Path(__file__).resolve().parents[1] / "corpus"
QUERY = 'query Book { book(id: "b2") { title author { name } } }'
TYPO = '{ book(id: "b2") { titel } }'


def main() -> None:
    sdl = (CORPUS / "schemas" / "library.graphql").read_text()
    data = (CORPUS / "data" / "library.json").read_text()
    with gql.Schema.parse(sdl) as schema:
        print("types:", len(schema.types()))
        try:
            schema.validate(TYPO)
        except gql.GqlErrorListException as err:
            for e in err.value:
                where = ", ".join(f"{at.line}:{at.column}" for at in e.locations) or "?"
                print(f"invalid at {where}: {e.message}")
        print("normalized:", schema.normalize(QUERY, gql.NormalizeOptions(gql.PrintStyle.COMPACT, None)))
        response = schema.execute(gql.Request(QUERY, None, None), data)
        print("data:", response.data)


if __name__ == "__main__":
    main()
