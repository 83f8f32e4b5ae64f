import { App } from 'antd';

/** Toasts through antd's App context (so they follow the theme and locale). */
export function useFeedback() {
  const { message } = App.useApp();
  return {
    success: (text: string) => void message.success(text),
    error: (text: string) => void message.error(text, 6),
  };
}
