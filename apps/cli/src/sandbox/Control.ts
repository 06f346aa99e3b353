// The inside's end of the control socket the outside hands it as fd 3. Node adopts it as a net.Socket; Bun's
// net.Socket cannot adopt a socket descriptor (it reports "Socket is closed"), so there it is read as a stream
// and written synchronously, which Bun supports on sockets.
import { createReadStream, writeSync } from "node:fs"
import { Socket } from "node:net"
import { encodeMessage, type InnerMessage, type OuterMessage, readMessages } from "./Protocol.ts"

export interface Control {
  readonly send: (message: InnerMessage) => void
  readonly onMessage: (handler: (message: OuterMessage) => void) => void
  /** Called once when the outside is gone or said it is done writing. */
  readonly onClose: (handler: () => void) => void
  /** Resolves once everything sent has been handed over. */
  readonly end: () => Promise<void>
}

const nodeControl = (fd: number): Control => {
  const socket = new Socket({ fd, readable: true, writable: true })
  // The outside may be gone (killed): then there is no one to tell.
  socket.on("error", () => undefined)
  return {
    send: (message) => {
      if (socket.writable) socket.write(encodeMessage(message))
    },
    onMessage: (handler) => readMessages(socket, handler),
    onClose: (handler) => void socket.once("close", handler),
    end: () => new Promise<void>((resolve) => socket.end(resolve))
  }
}

const bunControl = (fd: number): Control => {
  const input = createReadStream("", { fd, autoClose: false })
  input.on("error", () => undefined)
  let open = true
  return {
    send: (message) => {
      if (!open) return
      try {
        writeSync(fd, encodeMessage(message))
      } catch {
        open = false
      }
    },
    onMessage: (handler) => readMessages(input, handler),
    onClose: (handler) => {
      let called = false
      const once = () => {
        open = false
        if (!called) handler()
        called = true
      }
      input.once("end", once)
      input.once("close", once)
    },
    end: () => Promise.resolve()
  }
}

export const openControl = (fd = 3): Control => ("Bun" in globalThis ? bunControl(fd) : nodeControl(fd))
