export { SignInForm } from './SignInForm';
export { ChangePasswordForm } from './ChangePasswordForm';
