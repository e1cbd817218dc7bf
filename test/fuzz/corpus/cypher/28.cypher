// line comment
MATCH /* block */ (n) RETURN n.`weird name`, {}, [], {a: {b: [null]}}.a.b[0];