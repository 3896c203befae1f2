// Command transactions moves money between accounts in a transaction:
// Session.WithTransaction runs a function, commits, and retries the whole
// transaction (or the commit) on the errors the server labels as
// transient. A transfer that would overdraw an account returns an error
// from the function, which aborts the transaction: nothing of it is
// written. Transactions need a replica set or a sharded cluster.
//
//	go run ./examples/transactions -uri 'mongodb://localhost:27017/?replicaSet=rs0'
//
// The server comes from -uri, else $MONGODB_URI, else
// mongodb://localhost:27017. The program drops and refills the collection
// examples.accounts.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

func main() {
	uri := flag.String("uri", "", "the server's connection string (default $MONGODB_URI, else mongodb://localhost:27017)")
	flag.Parse()
	if *uri == "" {
		*uri = os.Getenv("MONGODB_URI")
	}
	if *uri == "" {
		*uri = "mongodb://localhost:27017"
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := client.Connect(ctx, *uri)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	if err := run(ctx, c.Database("examples"), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// errInsufficientFunds aborts a transfer.
var errInsufficientFunds = errors.New("insufficient funds")

// Account is one document of the collection.
type Account struct {
	ID      string `bson:"_id"`
	Balance int    `bson:"balance"`
}

// run opens two accounts and makes two transfers, the second refused.
func run(ctx context.Context, db *client.Database, w io.Writer) error {
	accounts := db.Collection("accounts", client.CollectionOptions{WriteConcern: &client.WriteConcern{W: "majority"}})
	if err := accounts.Drop(ctx); err != nil {
		return err
	}
	if _, err := accounts.InsertMany(ctx, []Account{{"alice", 100}, {"bob", 20}}); err != nil {
		return err
	}
	sess, err := db.Client().StartSession()
	if err != nil {
		return err
	}
	defer sess.EndSession(ctx)
	for _, amount := range []int{30, 500} {
		err := sess.WithTransaction(ctx, func(ctx context.Context) error {
			return transfer(ctx, accounts, "alice", "bob", amount)
		})
		fmt.Fprintf(w, "transfer %d: %v\n", amount, errOrOK(err))
	}
	cur, err := accounts.Find(ctx, bson.D{}, client.FindOptions{Sort: bson.D{bson.KV("_id", 1)}})
	if err != nil {
		return err
	}
	var all []Account
	if err := cur.All(ctx, &all); err != nil {
		return err
	}
	for _, a := range all {
		fmt.Fprintf(w, "%s: %d\n", a.ID, a.Balance)
	}
	return nil
}

// transfer moves amount from one account to another. ctx carries the
// transaction's session: every operation must use it.
func transfer(ctx context.Context, accounts *client.Collection, from, to string, amount int) error {
	res, err := accounts.UpdateOne(ctx,
		bson.D{bson.KV("_id", from), bson.KV("balance", bson.D{bson.KV("$gte", amount)})},
		bson.D{bson.KV("$inc", bson.D{bson.KV("balance", -amount)})})
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return errInsufficientFunds // WithTransaction aborts
	}
	_, err = accounts.UpdateOne(ctx, bson.D{bson.KV("_id", to)}, bson.D{bson.KV("$inc", bson.D{bson.KV("balance", amount)})})
	return err
}

func errOrOK(err error) string {
	if err != nil {
		return err.Error()
	}
	return "committed"
}
